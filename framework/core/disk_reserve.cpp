#include "core/disk_reserve.h"

#include "core/error.h"

#include <fcntl.h>
#include <unistd.h>
#include <cstring>
#include <utility>

namespace lacos {

DiskReserve::DiskReserve(std::filesystem::path path, std::uint64_t bytes) : path_(std::move(path)) { ensure(bytes); }

DiskReserve::DiskReserve(DiskReserve&& other) noexcept
    : path_(std::exchange(other.path_, {})), bytes_(std::exchange(other.bytes_, 0)) {}

DiskReserve& DiskReserve::operator=(DiskReserve&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::exchange(other.path_, {});
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

void DiskReserve::ensure(std::uint64_t bytes) {
  if (path_.empty() || bytes <= bytes_) return;
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fail("{}: cannot create the disk reserve: {}", path_.string(), std::strerror(errno));
  const int error = ::posix_fallocate(fd, 0, static_cast<off_t>(bytes));
  ::close(fd);
  if (error != 0) {
    fail("{}: cannot set aside {} bytes on the run's disk: {}", path_.string(), bytes, std::strerror(error));
  }
  bytes_ = bytes;
}

void DiskReserve::release() noexcept {
  if (path_.empty()) return;
  ::unlink(path_.c_str());
  path_.clear();
  bytes_ = 0;
}

}  // namespace lacos
