#include "data/text_lines.h"

#include "core/error.h"
#include "core/file_io.h"
#include "tokenizer/utf8.h"

namespace lacos {

std::vector<std::string> read_text_lines(const std::filesystem::path& path) {
  const std::string bytes = read_file_bytes(path, "text file");
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < bytes.size()) {
    std::size_t end = bytes.find('\n', start);
    if (end == std::string::npos) end = bytes.size();
    std::string line = bytes.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t bad = find_invalid_utf8(line);
    if (bad != std::string::npos) {
      fail("{}:{}: not valid UTF-8 (byte {} of the line is 0x{:02X})", path.string(), lines.size() + 1, bad + 1,
           static_cast<unsigned char>(line[bad]));
    }
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

}  // namespace lacos
