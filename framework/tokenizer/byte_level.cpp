#include "tokenizer/byte_level.h"

#include "tokenizer/utf8.h"

namespace lacos {

const ByteLevelMap& ByteLevelMap::instance() {
  static const ByteLevelMap map;
  return map;
}

ByteLevelMap::ByteLevelMap() {
  // Bytes that are printable and not space keep their code point: '!'..'~', '¡'..'¬', '®'..'ÿ'.
  // The remaining 68 bytes are numbered from U+0100 in byte order.
  char32_t next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool keeps = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    const char32_t c = keeps ? static_cast<char32_t>(b) : next++;
    append_utf8(byte_to_utf8_[b], c);
    char_to_byte_[c] = static_cast<std::uint8_t>(b);
  }
}

int ByteLevelMap::byte_of(char32_t c) const {
  auto it = char_to_byte_.find(c);
  return it == char_to_byte_.end() ? -1 : it->second;
}

std::string ByteLevelMap::encode(std::string_view bytes) const {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char b : bytes) out += byte_to_utf8_[static_cast<std::uint8_t>(b)];
  return out;
}

void ByteLevelMap::decode_token(std::string_view token, std::string& bytes_out) const {
  const std::size_t mark = bytes_out.size();
  std::size_t pos = 0;
  while (pos < token.size()) {
    std::size_t length = 0;
    const int byte = byte_of(decode_utf8(token, pos, &length));
    if (byte < 0) {
      bytes_out.resize(mark);
      bytes_out.append(token);
      return;
    }
    bytes_out.push_back(static_cast<char>(byte));
    pos += length;
  }
}

}  // namespace lacos
