#include "tokenizer/bpe_model.h"

#include "core/error.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/utf8.h"

#include <queue>

namespace lacos {

BpeModel::BpeModel(std::unordered_map<std::string, std::int32_t> vocab,
                   const std::vector<std::pair<std::string, std::string>>& merges, BpeOptions options,
                   const std::string& origin)
    : vocab_(std::move(vocab)), options_(std::move(options)) {
  // The id table is sized by the largest id: a file claiming id 2^31 - 1 for one token must not
  // make lacos allocate 2^31 strings. Real vocabularies number their tokens 0..n-1.
  const std::int64_t id_bound = kMaxTokenIdGap + 2 * static_cast<std::int64_t>(vocab_.size());
  std::int64_t max_id = -1;
  for (const auto& [token, id] : vocab_) {
    if (id < 0) fail("{}: vocabulary token '{}' has negative id {}", origin, token, id);
    if (id >= id_bound) {
      fail("{}: vocabulary token '{}' has id {}, far beyond the {} tokens of the vocabulary (ids must be below {})",
           origin, token, id, vocab_.size(), id_bound);
    }
    max_id = std::max<std::int64_t>(max_id, id);
  }
  id_to_token_.resize(static_cast<std::size_t>(max_id + 1));
  for (const auto& [token, id] : vocab_) {
    if (!id_to_token_[id].empty()) {
      fail("{}: vocabulary id {} is given to both '{}' and '{}'", origin, id, id_to_token_[id], token);
    }
    id_to_token_[id] = token;
  }

  merges_.reserve(merges.size());
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    const std::string& left = merges[rank].first;
    const std::string& right = merges[rank].second;
    const auto lookup = [&](const std::string& token) {
      auto it = vocab_.find(token);
      if (it == vocab_.end()) {
        fail("{}: merge {} ('{}' '{}') uses token '{}', which is not in the vocabulary", origin, rank, left, right,
             token);
      }
      return it->second;
    };
    const std::int32_t left_id = lookup(left);
    const std::int32_t right_id = lookup(right);
    const std::int32_t new_id = lookup(left + right);
    // A repeated pair keeps its last rank, as tokenizers' HashMap collection does.
    merges_[pair_key(left_id, right_id)] = Merge{static_cast<std::int32_t>(rank), new_id};
  }

  if (options_.unk_token) {
    auto it = vocab_.find(*options_.unk_token);
    if (it == vocab_.end()) fail("{}: unk_token '{}' is not in the vocabulary", origin, *options_.unk_token);
    unk_id_ = it->second;
  }
  const ByteLevelMap& bytes = ByteLevelMap::instance();
  for (int b = 0; b < 256; ++b) {
    auto it = vocab_.find(bytes.utf8_of(static_cast<std::uint8_t>(b)));
    byte_ids_[b] = it == vocab_.end() ? -1 : it->second;
  }
  for (int b = 0; b < 256; ++b) {
    auto it = vocab_.find(fmt::format("<0x{:02X}>", b));
    fallback_ids_[b] = it == vocab_.end() ? -1 : it->second;
  }
}

std::optional<std::int32_t> BpeModel::token_to_id(const std::string& token) const {
  auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

const std::string* BpeModel::id_to_token(std::int32_t id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= id_to_token_.size() || id_to_token_[id].empty()) return nullptr;
  return &id_to_token_[id];
}

const BpeModel::Merge* BpeModel::find_merge(std::int32_t left, std::int32_t right) const {
  auto it = merges_.find(pair_key(left, right));
  return it == merges_.end() ? nullptr : &it->second;
}

void BpeModel::initial_symbols(std::string_view raw_piece, std::vector<std::int32_t>& symbols) const {
  // Each raw byte is one byte-level character. Unknown characters follow tokenizers'
  // merge_word: byte fallback first (on the character's UTF-8 bytes), then unk (fused or not),
  // else the character is dropped.
  const ByteLevelMap& map = ByteLevelMap::instance();
  bool previous_was_unk = false;
  for (char raw : raw_piece) {
    const auto byte = static_cast<std::uint8_t>(raw);
    if (byte_ids_[byte] >= 0) {
      symbols.push_back(byte_ids_[byte]);
      previous_was_unk = false;
      continue;
    }
    if (options_.byte_fallback) {
      const std::string& utf8 = map.utf8_of(byte);
      bool all_known = true;
      for (char c : utf8) all_known = all_known && fallback_ids_[static_cast<std::uint8_t>(c)] >= 0;
      if (all_known) {
        for (char c : utf8) symbols.push_back(fallback_ids_[static_cast<std::uint8_t>(c)]);
        previous_was_unk = false;
        continue;
      }
    }
    if (unk_id_ >= 0) {
      if (!(options_.fuse_unk && previous_was_unk)) symbols.push_back(unk_id_);
      previous_was_unk = true;
    }
  }
}

void BpeModel::merge_symbols(std::vector<std::int32_t>& symbols) const {
  const int n = static_cast<int>(symbols.size());
  if (n < 2) return;
  std::vector<int> prev(n), next(n);
  std::vector<bool> removed(n, false);
  for (int i = 0; i < n; ++i) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  struct Candidate {
    std::int32_t rank;
    int pos;
    std::int32_t new_id;
    bool operator>(const Candidate& other) const { return rank != other.rank ? rank > other.rank : pos > other.pos; }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  for (int i = 0; i + 1 < n; ++i) {
    if (const Merge* merge = find_merge(symbols[i], symbols[i + 1])) queue.push({merge->rank, i, merge->new_id});
  }
  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    if (removed[top.pos] || next[top.pos] < 0) continue;
    const int right = next[top.pos];
    const Merge* current = find_merge(symbols[top.pos], symbols[right]);
    if (current == nullptr || current->new_id != top.new_id) continue;  // stale entry
    symbols[top.pos] = top.new_id;
    removed[right] = true;
    next[top.pos] = next[right];
    if (next[right] >= 0) prev[next[right]] = top.pos;
    if (prev[top.pos] >= 0) {
      if (const Merge* merge = find_merge(symbols[prev[top.pos]], symbols[top.pos])) {
        queue.push({merge->rank, prev[top.pos], merge->new_id});
      }
    }
    if (next[top.pos] >= 0) {
      if (const Merge* merge = find_merge(symbols[top.pos], symbols[next[top.pos]])) {
        queue.push({merge->rank, top.pos, merge->new_id});
      }
    }
  }
  int kept = 0;
  for (int i = 0; i < n; ++i) {
    if (!removed[i]) symbols[kept++] = symbols[i];
  }
  symbols.resize(kept);
}

void BpeModel::encode_piece(std::string_view raw_piece, std::vector<std::int32_t>& ids) const {
  if (raw_piece.empty()) return;
  if (options_.ignore_merges) {
    auto it = vocab_.find(ByteLevelMap::instance().encode(raw_piece));
    if (it != vocab_.end()) {
      ids.push_back(it->second);
      return;
    }
  }
  std::string key(raw_piece);
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      ids.insert(ids.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<std::int32_t> symbols;
  symbols.reserve(raw_piece.size());
  initial_symbols(raw_piece, symbols);
  merge_symbols(symbols);
  ids.insert(ids.end(), symbols.begin(), symbols.end());
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.size() >= kCacheCapacity) cache_.clear();
  cache_.emplace(std::move(key), std::move(symbols));
}

}  // namespace lacos
