#include "core/file_io.h"

#include "core/atomic_file.h"
#include "core/error.h"

#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace lacos {

std::string read_file_bytes(const std::filesystem::path& path, const char* what, std::uint64_t max_bytes) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) fail("{}: is a directory, expected a {}", path.string(), what);
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (!error && size > max_bytes) {
    fail("{}: {} of {} bytes is larger than the {} bytes lacos accepts for it", path.string(), what, size, max_bytes);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open {}: {}", path.string(), what, std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) fail("{}: read error", path.string());
  return buffer.str();
}

void write_file_bytes(const std::filesystem::path& path, const std::string& bytes, bool append) {
  // Always a whole new file renamed into place (core/atomic_file.h): a kill or a full disk leaves
  // the previous version, never a truncated one that --resume or a report would then misread.
  // Appending rewrites the file with the new bytes at the end (these files are small).
  std::string content;
  std::error_code error;
  if (append && std::filesystem::exists(path, error)) content = read_file_bytes(path, "file to append to");
  content += bytes;
  AtomicFile file(path);
  file.write(content.data(), content.size());
  file.commit();
}

std::filesystem::path write_private_temp_file(const std::string& stem, const std::string& bytes) {
  std::string name = (std::filesystem::temp_directory_path() / (stem + "-XXXXXX")).string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) fail("{}: cannot create a temporary file: {}", name, std::strerror(errno));
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n <= 0) {
      ::close(fd);
      ::unlink(name.c_str());
      fail("{}: write failed (disk full?): {}", name, std::strerror(errno));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    ::unlink(name.c_str());
    fail("{}: write failed (disk full?)", name);
  }
  return name;
}

}  // namespace lacos
