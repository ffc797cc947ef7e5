#include "io/tar_archive.h"

#include "core/error.h"
#include "io/gzip.h"

namespace lacos {

namespace {

constexpr std::size_t kBlock = 512;

std::uint64_t octal(const char* field, std::size_t length) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < length && field[i] != '\0' && field[i] != ' '; ++i) {
    if (field[i] < '0' || field[i] > '7') return UINT64_MAX;
    value = value * 8 + static_cast<std::uint64_t>(field[i] - '0');
  }
  return value;
}

std::string text_field(const char* field, std::size_t length) {
  std::size_t end = 0;
  while (end < length && field[end] != '\0') ++end;
  return std::string(field, end);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> read_tar_members(const std::filesystem::path& path) {
  const std::string bytes = read_maybe_gzip_file(path, "tar archive");
  std::vector<std::pair<std::string, std::string>> members;
  std::string long_name;  // GNU 'L' records carry the next member's long name
  std::size_t offset = 0;
  while (offset + kBlock <= bytes.size()) {
    const char* header = bytes.data() + offset;
    if (header[0] == '\0') break;  // end-of-archive blocks
    const std::uint64_t size = octal(header + 124, 12);
    if (size == UINT64_MAX) fail("{}: damaged tar header at byte {}", path.string(), offset);
    const char type = header[156];
    std::string name = text_field(header, 100);
    const std::string prefix = text_field(header + 345, 155);
    if (std::string(header + 257, 5) == "ustar" && !prefix.empty()) name = prefix + "/" + name;
    const std::size_t data = offset + kBlock;
    if (data + size > bytes.size()) {
      fail("{}: member '{}' of {} bytes runs past the end of the archive (truncated?)", path.string(), name, size);
    }
    if (type == 'L') {
      long_name = text_field(bytes.data() + data, size);
    } else if (type == '0' || type == '\0') {
      members.emplace_back(long_name.empty() ? name : long_name, bytes.substr(data, size));
      long_name.clear();
    } else {
      long_name.clear();
    }
    offset = data + (size + kBlock - 1) / kBlock * kBlock;
  }
  return members;
}

}  // namespace lacos
