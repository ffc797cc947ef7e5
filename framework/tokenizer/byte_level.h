// GPT-2's byte-to-unicode mapping, which BLOOM's ByteLevel pre-tokenizer and decoder use: every
// byte becomes one printable character (printable Latin-1 bytes map to themselves, the others to
// U+0100 upwards), so BPE can work on text without ever seeing raw control or space bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lacos {

class ByteLevelMap {
 public:
  static const ByteLevelMap& instance();

  // The UTF-8 encoding of the character standing for `byte`.
  const std::string& utf8_of(std::uint8_t byte) const { return byte_to_utf8_[byte]; }
  // -1 when `c` is not one of the 256 mapped characters.
  int byte_of(char32_t c) const;

  // Maps raw bytes to their byte-level string.
  std::string encode(std::string_view bytes) const;
  // HF's ByteLevel decoder for one token: the bytes behind its characters, or the token's own
  // UTF-8 bytes when any character is outside the map.
  void decode_token(std::string_view token, std::string& bytes_out) const;

 private:
  ByteLevelMap();
  std::array<std::string, 256> byte_to_utf8_{};
  std::unordered_map<char32_t, std::uint8_t> char_to_byte_;
};

}  // namespace lacos
