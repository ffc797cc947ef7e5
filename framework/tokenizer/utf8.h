// UTF-8 helpers for the tokenizer. Text entering lacos must be valid UTF-8; decoding byte-level
// tokens back may produce invalid sequences, which are replaced the way Rust's
// String::from_utf8_lossy (and so HF tokenizers) replaces them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lacos {

// Returns the offset of the first byte that is not part of a valid UTF-8 sequence, or npos.
std::size_t find_invalid_utf8(std::string_view text);

// Decodes the code point starting at text[pos] (which must be valid UTF-8) and sets *length.
char32_t decode_utf8(std::string_view text, std::size_t pos, std::size_t* length);

void append_utf8(std::string& out, char32_t code_point);

// Replaces every maximal invalid subsequence with U+FFFD, as from_utf8_lossy does.
std::string utf8_lossy(std::string_view bytes);

// The Unicode White_Space property (what Oniguruma's \s and Rust's char::is_whitespace match).
bool is_unicode_white_space(char32_t c);

}  // namespace lacos
