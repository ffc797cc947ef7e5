#include "io/atomic_file.h"

#include "core/error.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace lacos {

AtomicFile::AtomicFile(std::filesystem::path path)
    : path_(std::move(path)), temp_path_(path_.string() + ".tmp") {
  file_ = std::fopen(temp_path_.c_str(), "wb");
  if (file_ == nullptr) fail("{}: cannot open for writing: {}", temp_path_.string(), std::strerror(errno));
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::error_code ignored;
    std::filesystem::remove(temp_path_, ignored);
  }
}

void AtomicFile::write(const void* data, std::size_t size) {
  if (size == 0) return;
  if (std::fwrite(data, 1, size, file_) != size) {
    fail("{}: write failed: {}", temp_path_.string(), std::strerror(errno));
  }
}

void AtomicFile::commit() {
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) {
    fail("{}: flush failed: {}", temp_path_.string(), std::strerror(errno));
  }
  std::FILE* file = file_;
  file_ = nullptr;
  if (std::fclose(file) != 0) {
    std::error_code ignored;
    std::filesystem::remove(temp_path_, ignored);
    fail("{}: close failed: {}", temp_path_.string(), std::strerror(errno));
  }
  std::error_code error;
  std::filesystem::rename(temp_path_, path_, error);
  if (error) {
    std::filesystem::remove(temp_path_, error);
    fail("{}: cannot rename into place: {}", path_.string(), error.message());
  }
}

}  // namespace lacos
