// Plain text input: one UTF-8 sentence per line.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lacos {

// Lines of `path` without their line ends ("\n" or "\r\n"); a final line end does not make an
// extra empty line. Invalid UTF-8 is an error naming the file, line and byte.
std::vector<std::string> read_text_lines(const std::filesystem::path& path);

}  // namespace lacos
