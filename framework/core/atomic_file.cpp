#include "core/atomic_file.h"

#include "core/error.h"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

namespace lacos {

std::filesystem::path unique_temp_path(const std::filesystem::path& path) {
  static std::random_device entropy;
  return fmt::format("{}.tmp-{}-{:08x}", path.string(), static_cast<long>(::getpid()), entropy());
}

bool is_temp_file_name(const std::string& name) { return name.find(".tmp-") != std::string::npos; }

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)), temp_path_(unique_temp_path(path_)) {
  // O_EXCL: a new file, never one (or a link) that was already there.
  const int fd = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  file_ = fd < 0 ? nullptr : ::fdopen(fd, "wb");
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
  std::FILE* file = file_;
  file_ = nullptr;
  if (std::fflush(file) != 0 || std::fclose(file) != 0) {
    std::error_code ignored;
    std::filesystem::remove(temp_path_, ignored);
    fail("{}: write failed (disk full?): {}", temp_path_.string(), std::strerror(errno));
  }
  commit_written_file(temp_path_, path_);  // the one commit: fsync, rename, fsync the folder
}

void commit_written_file(const std::filesystem::path& temp, const std::filesystem::path& path) {
  const int fd = ::open(temp.c_str(), O_RDONLY);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  std::error_code error;
  if (!synced) {
    std::filesystem::remove(temp, error);
    fail("{}: flush to disk failed: {}", temp.string(), std::strerror(errno));
  }
  std::filesystem::rename(temp, path, error);
  if (error) {
    std::filesystem::remove(temp, error);
    fail("{}: cannot rename into place: {}", path.string(), error.message());
  }
  // The rename is durable only once the folder is: a failed folder fsync is a failed write.
  // (Filesystems that cannot fsync a folder say EINVAL; there the rename is as durable as it gets.)
  const std::string folder_name = path.parent_path().empty() ? "." : path.parent_path().string();
  const int folder = ::open(folder_name.c_str(), O_RDONLY | O_DIRECTORY);
  if (folder < 0) fail("{}: cannot open the folder to flush it: {}", folder_name, std::strerror(errno));
  const bool folder_synced = ::fsync(folder) == 0 || errno == EINVAL;
  const int fsync_error = errno;
  ::close(folder);
  if (!folder_synced) fail("{}: flush of the folder failed: {}", folder_name, std::strerror(fsync_error));
}

}  // namespace lacos
