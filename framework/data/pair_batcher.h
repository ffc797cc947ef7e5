// The order in which training pairs form batches.
//   file order   (shuffle off): batch s holds pairs [B s, B s + B), as the reference recipe reads them;
//   shuffled     a permutation per epoch from (seed, epoch), the same on every rank;
//   no duplicates as sentence-transformers' NO_DUPLICATES sampler: a pair is held back for a later
//                batch when one of its texts is already in the batch, because a repeated premise
//                would be its own in-batch negative.
#pragma once

#include "data/text_pairs.h"

#include <cstdint>
#include <vector>

namespace lacos {

struct BatchingOptions {
  std::int64_t batch_size = 64;
  bool shuffle = false;
  std::uint64_t seed = 0;
  bool no_duplicates = false;
  bool drop_last = true;  // a short final batch has fewer negatives; dropped by default
};

// The batches (indices into `pairs`) of one epoch.
std::vector<std::vector<std::size_t>> epoch_batches(const std::vector<TextPair>& pairs, const BatchingOptions& options,
                                                    std::int64_t epoch);

}  // namespace lacos
