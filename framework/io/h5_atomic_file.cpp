#include "io/h5_atomic_file.h"

#include "core/error.h"

namespace lacos {

namespace fs = std::filesystem;

void throw_h5_error(const fs::path& path, const std::string& action, const H5::Exception& e) {
  fail("{}: HDF5 error while {}: {}", path.string(), action, e.getDetailMsg());
}

H5AtomicFile::H5AtomicFile(const fs::path& path) : path_(path), temp_path_(path.string() + ".tmp") {
  H5::Exception::dontPrint();  // errors become one-line lacos::Error messages, not HDF5 stack dumps
  try {
    file_ = std::make_unique<H5::H5File>(temp_path_.string(), H5F_ACC_TRUNC);
  } catch (const H5::Exception& e) {
    throw_h5_error(temp_path_, "creating the file", e);
  }
}

H5AtomicFile::~H5AtomicFile() {
  if (committed_) return;
  try {
    file_->close();
  } catch (const H5::Exception&) {
  }
  std::error_code ignored;
  fs::remove(temp_path_, ignored);
}

void H5AtomicFile::commit() {
  try {
    file_->flush(H5F_SCOPE_GLOBAL);
    file_->close();
  } catch (const H5::Exception& e) {
    throw_h5_error(temp_path_, "closing the file (disk full?)", e);
  }
  std::error_code error;
  fs::rename(temp_path_, path_, error);
  if (error) fail("{}: cannot rename into place: {}", path_.string(), error.message());
  committed_ = true;
}

}  // namespace lacos
