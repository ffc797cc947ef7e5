// The BPE model of HF tokenizers, for byte-level input: a piece's bytes become the vocabulary
// ids of their byte-level characters, which are then merged by rank exactly as
// tokenizers' Word::merge_all does (a min-heap on (rank, position), stale entries skipped).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lacos {

struct BpeOptions {
  std::optional<std::string> unk_token;  // unknown characters map to it; dropped when absent
  bool fuse_unk = false;                 // consecutive unknowns become one unk token
  bool byte_fallback = false;            // unknown characters become <0xXX> tokens when present
  bool ignore_merges = false;            // a piece that is itself in the vocabulary is one token
};

// Vocabulary ids must lie below twice the number of tokens plus this slack (see the constructor).
inline constexpr std::int64_t kMaxTokenIdGap = 1 << 16;

class BpeModel {
 public:
  // `origin` names the file in error messages. Merges are (left, right) token strings in rank
  // order; both sides and their concatenation must be in the vocabulary.
  BpeModel(std::unordered_map<std::string, std::int32_t> vocab,
           const std::vector<std::pair<std::string, std::string>>& merges, BpeOptions options,
           const std::string& origin);

  // Appends the ids of one pre-tokenized piece, given as raw (not byte-level mapped) bytes.
  void encode_piece(std::string_view raw_piece, std::vector<std::int32_t>& ids) const;

  std::optional<std::int32_t> token_to_id(const std::string& token) const;
  // nullptr for ids the vocabulary lacks.
  const std::string* id_to_token(std::int32_t id) const;
  // One more than the largest id.
  std::size_t id_limit() const { return id_to_token_.size(); }
  std::size_t merge_count() const { return merges_.size(); }

 private:
  struct Merge {
    std::int32_t rank;
    std::int32_t new_id;
  };
  static std::uint64_t pair_key(std::int32_t left, std::int32_t right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
  }
  const Merge* find_merge(std::int32_t left, std::int32_t right) const;
  void initial_symbols(std::string_view raw_piece, std::vector<std::int32_t>& symbols) const;
  void merge_symbols(std::vector<std::int32_t>& symbols) const;

  std::unordered_map<std::string, std::int32_t> vocab_;
  std::vector<std::string> id_to_token_;
  std::unordered_map<std::uint64_t, Merge> merges_;
  BpeOptions options_;
  std::int32_t unk_id_ = -1;
  std::array<std::int32_t, 256> byte_ids_{};      // id of each byte's byte-level character
  std::array<std::int32_t, 256> fallback_ids_{};  // id of "<0xXX>", for byte_fallback

  // Pieces repeat a lot in natural text; caching their ids is what makes encoding fast. The
  // result of a piece never depends on context, so the cache cannot change any output.
  static constexpr std::size_t kCacheCapacity = 200'000;
  mutable std::unordered_map<std::string, std::vector<std::int32_t>> cache_;
  mutable std::mutex cache_mutex_;
};

}  // namespace lacos
