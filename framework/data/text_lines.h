// Plain text input: one UTF-8 record per line, and tab-separated fields.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lacos {

// Lines of `bytes` without their line ends ("\n" or "\r\n"); a final line end does not make an
// extra empty line. Invalid UTF-8 is an error naming `origin`, the line and the byte.
std::vector<std::string> split_lines(const std::string& bytes, const std::string& origin);

// The lines of a file (gzip-compressed when its name ends in .gz).
std::vector<std::string> read_text_lines(const std::filesystem::path& path);

// Fields of a line split at every `separator` (empty fields kept).
std::vector<std::string> split_fields(const std::string& line, char separator = '\t');

}  // namespace lacos
