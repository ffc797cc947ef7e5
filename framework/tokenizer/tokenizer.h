// A HF `tokenizer.json` tokenizer for BLOOM's byte-level BPE pipeline:
//   added tokens matched in the raw text -> Split (BLOOM regex, Isolated) -> ByteLevel -> BPE,
// and ByteLevel decoding back. Settings outside that pipeline are refused when loading, with the
// key named, rather than silently tokenizing differently from HF.
#pragma once

#include "tokenizer/added_vocabulary.h"
#include "tokenizer/bpe_model.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lacos {

class Tokenizer {
 public:
  static Tokenizer from_file(const std::filesystem::path& path);
  // Parses tokenizer.json text; `origin` names it in errors.
  static Tokenizer from_json_text(const std::string& text, const std::string& origin);

  Tokenizer(std::shared_ptr<const BpeModel> model, AddedVocabulary added, std::string origin);

  // Token ids of `text` (valid UTF-8, else an Error giving the byte offset); no special tokens
  // are added.
  std::vector<std::int32_t> encode(std::string_view text) const;
  void encode_into(std::string_view text, std::vector<std::int32_t>& ids) const;

  // The text of `ids`, as HF's decode with the ByteLevel decoder. Unknown ids are an error.
  std::string decode(const std::vector<std::int32_t>& ids, bool skip_special_tokens = false) const;

  std::optional<std::int32_t> token_to_id(const std::string& token) const;
  std::optional<std::string> id_to_token(std::int32_t id) const;
  // One more than the largest id of the model or any added token.
  std::size_t vocab_size() const;
  // The id of `<pad>` (BLOOM's padding token), or of the first special token named like a pad.
  std::optional<std::int32_t> pad_id() const;

  const BpeModel& model() const { return *model_; }
  const AddedVocabulary& added_tokens() const { return added_; }
  const std::string& origin() const { return origin_; }

 private:
  std::shared_ptr<const BpeModel> model_;
  AddedVocabulary added_;
  std::string origin_;
};

}  // namespace lacos
