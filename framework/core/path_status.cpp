#include "core/path_status.h"

#include "core/error.h"

namespace lacos {

namespace fs = std::filesystem;

namespace {

fs::file_type type_of(const fs::path& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  // ENOENT and ENOTDIR mean "not there", which is an answer, not an error.
  if (status.type() == fs::file_type::not_found) return fs::file_type::not_found;
  if (error) fail("{}: cannot look up this path: {}", path.string(), error.message());
  return status.type();
}

}  // namespace

bool path_exists(const fs::path& path) { return type_of(path) != fs::file_type::not_found; }

bool is_file(const fs::path& path) { return type_of(path) == fs::file_type::regular; }

bool is_folder(const fs::path& path) { return type_of(path) == fs::file_type::directory; }

}  // namespace lacos
