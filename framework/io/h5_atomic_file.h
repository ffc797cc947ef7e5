// An HDF5 file written under `<path>.tmp` and renamed into place on commit, so readers never see
// a half-written file and an interrupted writer leaves no file that looks complete.
#pragma once

#include <H5Cpp.h>

#include <filesystem>
#include <memory>
#include <string>

namespace lacos {

class H5AtomicFile {
 public:
  explicit H5AtomicFile(const std::filesystem::path& path);
  ~H5AtomicFile();  // closes and removes the temporary file unless committed
  H5AtomicFile(const H5AtomicFile&) = delete;
  H5AtomicFile& operator=(const H5AtomicFile&) = delete;

  H5::H5File& file() { return *file_; }
  const std::filesystem::path& path() const { return path_; }
  // Flushes, closes and renames. `before_close` objects (datasets) must be closed by the caller.
  void commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  std::unique_ptr<H5::H5File> file_;
  bool committed_ = false;
};

// Turns an HDF5 exception into a lacos::Error naming the file and what was being done.
[[noreturn]] void throw_h5_error(const std::filesystem::path& path, const std::string& action, const H5::Exception& e);

}  // namespace lacos
