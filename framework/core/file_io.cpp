#include "core/file_io.h"

#include "core/error.h"

#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace lacos {

std::string read_file_bytes(const std::filesystem::path& path, const char* what) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) fail("{}: is a directory, expected a {}", path.string(), what);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open {}: {}", path.string(), what, std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) fail("{}: read error", path.string());
  return buffer.str();
}

void write_file_bytes(const std::filesystem::path& path, const std::string& bytes, bool append) {
  std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  if (!out) fail("{}: cannot open for writing (is the folder writable?)", path.string());
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) fail("{}: write failed (disk full?)", path.string());
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
