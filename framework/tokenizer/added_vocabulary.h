// Added (and special) tokens, matched in the raw text before pre-tokenization, as HF tokenizers'
// AddedVocabulary does: leftmost-longest, non-overlapping; lstrip/rstrip absorb neighbouring
// whitespace into the match.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lacos {

struct AddedToken {
  std::int32_t id = 0;
  std::string content;
  bool lstrip = false;
  bool rstrip = false;
  bool special = false;
};

// A stretch of the input: either an added token (id >= 0) or text for the model (id == -1).
struct TextSegment {
  std::int32_t id = -1;
  std::string_view text;
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  explicit AddedVocabulary(std::vector<AddedToken> tokens);

  void split(std::string_view text, std::vector<TextSegment>& segments) const;

  const std::vector<AddedToken>& tokens() const { return tokens_; }
  const AddedToken* find_by_id(std::int32_t id) const;
  const AddedToken* find_by_content(std::string_view content) const;

 private:
  std::vector<AddedToken> tokens_;
  // For each first byte, the indices of tokens starting with it, longest first.
  std::array<std::vector<std::size_t>, 256> by_first_byte_;
};

}  // namespace lacos
