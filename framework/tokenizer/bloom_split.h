// BLOOM's Split pre-tokenizer, implemented directly (the GPU machine has no regex engine).
//
// tokenizer.json: {"type": "Split", "pattern": {"Regex": " ?[^(\\s|[.,!?…。，、।۔،])]+"},
//                  "behavior": "Isolated", "invert": false}
// In Oniguruma's syntax the inner `[...]` is a nested class, so the excluded set is Unicode
// White_Space plus ( | ) . , ! ? … 。 ， 、 । ۔ ، -- and `[`, `]` are ordinary characters. A
// match is an optional single U+0020 followed by one or more non-excluded characters; with
// Isolated behaviour every gap between matches becomes a piece of its own, so the pieces tile
// the input exactly.
#pragma once

#include <string_view>
#include <vector>

namespace lacos {

// The exact pattern string accepted in tokenizer.json.
extern const char* const kBloomSplitPattern;

// True for the characters the pattern's negated class excludes.
bool is_bloom_split_excluded(char32_t c);

// Appends the pieces of valid UTF-8 `text` to `pieces` (views into `text`).
void split_bloom_pieces(std::string_view text, std::vector<std::string_view>& pieces);

}  // namespace lacos
