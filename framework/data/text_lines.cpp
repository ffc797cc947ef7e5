#include "data/text_lines.h"

#include "core/error.h"
#include "io/gzip.h"
#include "tokenizer/utf8.h"

namespace lacos {

std::vector<std::string> split_lines(const std::string& bytes, const std::string& origin) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < bytes.size()) {
    std::size_t end = bytes.find('\n', start);
    if (end == std::string::npos) end = bytes.size();
    std::string line = bytes.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t bad = find_invalid_utf8(line);
    if (bad != std::string::npos) {
      fail("{}:{}: not valid UTF-8 (byte {} of the line is 0x{:02X})", origin, lines.size() + 1, bad + 1,
           static_cast<unsigned char>(line[bad]));
    }
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> read_text_lines(const std::filesystem::path& path) {
  return split_lines(read_maybe_gzip_file(path, "text file"), path.string());
}

std::vector<std::string> split_fields(const std::string& line, char separator) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = line.find(separator, start);
    fields.push_back(line.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return fields;
    start = end + 1;
  }
}

}  // namespace lacos
