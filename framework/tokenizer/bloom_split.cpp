#include "tokenizer/bloom_split.h"

#include "tokenizer/utf8.h"

namespace lacos {

const char* const kBloomSplitPattern = " ?[^(\\s|[.,!?\u2026\u3002\uff0c\u3001\u0964\u06d4\u060c])]+";

bool is_bloom_split_excluded(char32_t c) {
  switch (c) {
    case U'(':
    case U'|':
    case U')':
    case U'.':
    case U',':
    case U'!':
    case U'?':
    case U'\u2026':
    case U'\u3002':
    case U'\uff0c':
    case U'\u3001':
    case U'\u0964':
    case U'\u06d4':
    case U'\u060c': return true;
    default: return is_unicode_white_space(c);
  }
}

namespace {

// Decodes the character at `pos`; ASCII takes a table-free fast path.
inline bool excluded_at(std::string_view text, std::size_t pos, std::size_t* length) {
  const auto byte = static_cast<unsigned char>(text[pos]);
  if (byte < 0x80) {
    *length = 1;
    return is_bloom_split_excluded(byte);
  }
  return is_bloom_split_excluded(decode_utf8(text, pos, length));
}

}  // namespace

void split_bloom_pieces(std::string_view text, std::vector<std::string_view>& pieces) {
  std::size_t gap_start = 0;  // start of the pending gap (bytes not inside any match)
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t length = 0;
    const bool excluded = excluded_at(text, pos, &length);
    std::size_t match_start = std::string_view::npos;
    std::size_t run = pos;  // first byte of the non-excluded run
    if (!excluded) {
      match_start = pos;
    } else if (text[pos] == ' ' && pos + 1 < text.size()) {
      std::size_t next_length = 0;
      if (!excluded_at(text, pos + 1, &next_length)) {
        match_start = pos;
        run = pos + 1;
      }
    }
    if (match_start == std::string_view::npos) {
      pos += length;
      continue;
    }
    // Extend over the run of non-excluded characters.
    std::size_t end = run;
    while (end < text.size()) {
      std::size_t char_length = 0;
      if (excluded_at(text, end, &char_length)) break;
      end += char_length;
    }
    if (gap_start < match_start) pieces.push_back(text.substr(gap_start, match_start - gap_start));
    pieces.push_back(text.substr(match_start, end - match_start));
    gap_start = pos = end;
  }
  if (gap_start < text.size()) pieces.push_back(text.substr(gap_start));
}

}  // namespace lacos
