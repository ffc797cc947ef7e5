#include "core/file_io.h"

#include "core/error.h"

#include <cerrno>
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

}  // namespace lacos
