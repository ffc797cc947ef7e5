#include "tokenizer/added_vocabulary.h"

#include "tokenizer/utf8.h"

#include <algorithm>

namespace lacos {

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens) : tokens_(std::move(tokens)) {
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    if (tokens_[i].content.empty()) continue;
    by_first_byte_[static_cast<std::uint8_t>(tokens_[i].content[0])].push_back(i);
  }
  for (auto& candidates : by_first_byte_) {
    std::stable_sort(candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) {
      return tokens_[a].content.size() > tokens_[b].content.size();
    });
  }
}

const AddedToken* AddedVocabulary::find_by_id(std::int32_t id) const {
  for (const auto& token : tokens_) {
    if (token.id == id) return &token;
  }
  return nullptr;
}

const AddedToken* AddedVocabulary::find_by_content(std::string_view content) const {
  for (const auto& token : tokens_) {
    if (token.content == content) return &token;
  }
  return nullptr;
}

namespace {

// Byte length of the whitespace run ending at `end` (Unicode White_Space, as Rust's
// char::is_whitespace). `text` is valid UTF-8.
std::size_t whitespace_before(std::string_view text, std::size_t floor, std::size_t end) {
  std::size_t start = end;
  while (start > floor) {
    std::size_t lead = start - 1;
    while (lead > floor && (static_cast<unsigned char>(text[lead]) & 0xC0) == 0x80) --lead;
    std::size_t length = 0;
    if (!is_unicode_white_space(decode_utf8(text, lead, &length))) break;
    start = lead;
  }
  return end - start;
}

std::size_t whitespace_after(std::string_view text, std::size_t begin) {
  std::size_t end = begin;
  while (end < text.size()) {
    std::size_t length = 0;
    if (!is_unicode_white_space(decode_utf8(text, end, &length))) break;
    end += length;
  }
  return end - begin;
}

}  // namespace

void AddedVocabulary::split(std::string_view text, std::vector<TextSegment>& segments) const {
  if (tokens_.empty()) {
    if (!text.empty()) segments.push_back({-1, text});
    return;
  }
  std::size_t emitted = 0;  // end of what has been emitted so far
  std::size_t pos = 0;
  while (pos < text.size()) {
    const AddedToken* match = nullptr;
    for (std::size_t index : by_first_byte_[static_cast<std::uint8_t>(text[pos])]) {
      const std::string& content = tokens_[index].content;
      if (text.compare(pos, content.size(), content) == 0) {
        match = &tokens_[index];
        break;  // candidates are longest first
      }
    }
    if (match == nullptr) {
      ++pos;
      continue;
    }
    std::size_t start = pos;
    std::size_t stop = pos + match->content.size();
    if (match->lstrip) start -= whitespace_before(text, emitted, start);
    if (match->rstrip) stop += whitespace_after(text, stop);
    if (emitted < start) segments.push_back({-1, text.substr(emitted, start - emitted)});
    segments.push_back({match->id, text.substr(start, stop - start)});
    emitted = pos = stop;
  }
  if (emitted < text.size()) segments.push_back({-1, text.substr(emitted)});
}

}  // namespace lacos
