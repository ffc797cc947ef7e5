// A run's training pairs from any mix of pair files and NLI files, in the order given, with
// what was skipped counted. NLI files become (premise, entailment) pairs, with the premise's
// contradiction as hard negative when asked.
#pragma once

#include "data/text_pairs.h"

#include <filesystem>
#include <string>
#include <vector>

namespace lacos {

struct TrainingData {
  std::vector<TextPair> pairs;
  std::size_t malformed = 0;       // lines skipped as unreadable, over all files
  std::vector<std::string> notes;  // one line per file: what it gave
};

TrainingData read_training_data(const std::vector<std::filesystem::path>& pair_files,
                                const std::vector<std::filesystem::path>& nli_files, bool hard_negatives);

}  // namespace lacos
