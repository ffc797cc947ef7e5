#include "tokenizer/tokenizer.h"

#include "core/error.h"
#include "tokenizer/bloom_split.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/utf8.h"

namespace lacos {

Tokenizer::Tokenizer(std::shared_ptr<const BpeModel> model, AddedVocabulary added, std::string origin)
    : model_(std::move(model)), added_(std::move(added)), origin_(std::move(origin)) {}

std::vector<std::int32_t> Tokenizer::encode(std::string_view text) const {
  std::vector<std::int32_t> ids;
  encode_into(text, ids);
  return ids;
}

void Tokenizer::encode_into(std::string_view text, std::vector<std::int32_t>& ids) const {
  const std::size_t bad = find_invalid_utf8(text);
  if (bad != std::string_view::npos) {
    fail("input text is not valid UTF-8 (byte {} of {}, value 0x{:02X})", bad, text.size(),
         static_cast<unsigned char>(text[bad]));
  }
  std::vector<TextSegment> segments;
  added_.split(text, segments);
  std::vector<std::string_view> pieces;
  for (const TextSegment& segment : segments) {
    if (segment.id >= 0) {
      ids.push_back(segment.id);
      continue;
    }
    pieces.clear();
    split_bloom_pieces(segment.text, pieces);
    for (std::string_view piece : pieces) model_->encode_piece(piece, ids);
  }
}

std::string Tokenizer::decode(const std::vector<std::int32_t>& ids, bool skip_special_tokens) const {
  const ByteLevelMap& map = ByteLevelMap::instance();
  std::string bytes;
  for (std::int32_t id : ids) {
    if (const AddedToken* added = added_.find_by_id(id)) {
      if (skip_special_tokens && added->special) continue;
      map.decode_token(added->content, bytes);
      continue;
    }
    const std::string* token = model_->id_to_token(id);
    if (token == nullptr) fail("token id {} is not in the vocabulary of {}", id, origin_);
    map.decode_token(*token, bytes);
  }
  return utf8_lossy(bytes);
}

std::optional<std::int32_t> Tokenizer::token_to_id(const std::string& token) const {
  if (const AddedToken* added = added_.find_by_content(token)) return added->id;
  return model_->token_to_id(token);
}

std::optional<std::string> Tokenizer::id_to_token(std::int32_t id) const {
  if (const AddedToken* added = added_.find_by_id(id)) return added->content;
  if (const std::string* token = model_->id_to_token(id)) return *token;
  return std::nullopt;
}

std::size_t Tokenizer::vocab_size() const {
  std::size_t size = model_->id_limit();
  for (const auto& token : added_.tokens()) size = std::max(size, static_cast<std::size_t>(token.id) + 1);
  return size;
}

std::optional<std::int32_t> Tokenizer::pad_id() const {
  if (auto id = token_to_id("<pad>")) return id;
  for (const auto& token : added_.tokens()) {
    if (token.special && token.content.find("pad") != std::string::npos) return token.id;
  }
  return std::nullopt;
}

}  // namespace lacos
