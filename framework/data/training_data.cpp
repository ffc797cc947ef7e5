#include "data/training_data.h"

#include "data/nli_file.h"

#include <fmt/format.h>

namespace lacos {

TrainingData read_training_data(const std::vector<std::filesystem::path>& pair_files,
                                const std::vector<std::filesystem::path>& nli_files, bool hard_negatives) {
  TrainingData data;
  for (const auto& file : pair_files) {
    PairSet set = read_pair_tsv(file);
    data.notes.push_back(
        fmt::format("{}: {} pairs ({} malformed lines skipped)", file.string(), set.pairs.size(), set.malformed));
    data.malformed += set.malformed;
    data.pairs.insert(data.pairs.end(), std::make_move_iterator(set.pairs.begin()),
                      std::make_move_iterator(set.pairs.end()));
  }
  for (const auto& file : nli_files) {
    const NliSet set = read_nli_file(file);
    std::vector<TextPair> pairs = nli_training_pairs(set.examples, hard_negatives);
    data.notes.push_back(fmt::format("{}: {} labelled examples -> {} pairs ({} unlabeled, {} malformed lines)",
                                     file.string(), set.examples.size(), pairs.size(), set.unlabeled, set.malformed));
    data.malformed += set.malformed;
    data.pairs.insert(data.pairs.end(), std::make_move_iterator(pairs.begin()), std::make_move_iterator(pairs.end()));
  }
  return data;
}

}  // namespace lacos
