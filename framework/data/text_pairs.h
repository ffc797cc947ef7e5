// Training pairs (anchor, positive) with an optional hard negative, as read from
// `anchor TAB positive [TAB negative]` files such as data/derived/nli-entailment-pairs.tsv.gz.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lacos {

struct TextPair {
  std::string anchor;
  std::string positive;
  std::string negative;  // empty: none
};

struct PairSet {
  std::filesystem::path path;
  std::vector<TextPair> pairs;
  std::size_t malformed = 0;  // lines without 2 or 3 non-empty fields
};

// Reads a pairs TSV (gzip when the name ends in .gz), in file order.
PairSet read_pair_tsv(const std::filesystem::path& path);

}  // namespace lacos
