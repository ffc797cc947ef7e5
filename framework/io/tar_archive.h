// Reading the regular-file members of a (ustar/GNU) tar archive, gzip-compressed or not: enough
// for the dataset archives (XNLI test sets), without extracting to disk.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

// (member name, bytes) of every regular file, in archive order. Damaged headers or a member
// running past the end of the archive are errors naming the archive.
std::vector<std::pair<std::string, std::string>> read_tar_members(const std::filesystem::path& path);

}  // namespace lacos
