#include "data/pair_batcher.h"

#include "core/error.h"

#include <algorithm>
#include <list>
#include <numeric>
#include <random>
#include <unordered_set>

namespace lacos {

namespace {

std::vector<std::size_t> epoch_order(std::size_t count, const BatchingOptions& options, std::int64_t epoch) {
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  if (options.shuffle) {
    std::mt19937_64 random(options.seed * 1000003ULL + static_cast<std::uint64_t>(epoch));
    std::shuffle(order.begin(), order.end(), random);
  }
  return order;
}

}  // namespace

std::vector<std::vector<std::size_t>> epoch_batches(const std::vector<TextPair>& pairs, const BatchingOptions& options,
                                                    std::int64_t epoch) {
  if (options.batch_size <= 0) fail("batch size must be positive, got {}", options.batch_size);
  const auto batch_size = static_cast<std::size_t>(options.batch_size);
  const std::vector<std::size_t> order = epoch_order(pairs.size(), options, epoch);
  std::vector<std::vector<std::size_t>> batches;
  if (!options.no_duplicates) {
    for (std::size_t start = 0; start < order.size(); start += batch_size) {
      const std::size_t end = std::min(order.size(), start + batch_size);
      if (end - start < batch_size && options.drop_last) break;
      batches.emplace_back(order.begin() + start, order.begin() + end);
    }
    return batches;
  }
  // Greedy pass over the remaining pairs in order, skipping those that share a text with the batch.
  std::list<std::size_t> remaining(order.begin(), order.end());
  while (!remaining.empty()) {
    std::vector<std::size_t> batch;
    std::unordered_set<std::string> texts;
    for (auto it = remaining.begin(); it != remaining.end() && batch.size() < batch_size;) {
      const TextPair& pair = pairs[*it];
      const bool clash = texts.count(pair.anchor) > 0 || texts.count(pair.positive) > 0 ||
          (!pair.negative.empty() && texts.count(pair.negative) > 0);
      if (clash) {
        ++it;
        continue;
      }
      texts.insert(pair.anchor);
      texts.insert(pair.positive);
      if (!pair.negative.empty()) texts.insert(pair.negative);
      batch.push_back(*it);
      it = remaining.erase(it);
    }
    if (batch.size() < batch_size && options.drop_last) break;
    batches.push_back(std::move(batch));
  }
  return batches;
}

}  // namespace lacos
