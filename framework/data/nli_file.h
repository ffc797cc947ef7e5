// NLI datasets in the formats of ../shared/data (see its SOURCES.md), and their reduction to
// training pairs:
//   JSON Lines (.jsonl, .jsonl.gz, .json lines): SNLI (sentence1, sentence2, gold_label),
//     MNLI/ANLI/IndoNLI (premise, hypothesis, label), OCNLI/JNLI (sentence1, sentence2, label);
//   TSV without header, `premise TAB hypothesis TAB label` (XNLI dev);
//   TSV with a header naming the columns (CAD-SNLI, KorNLI: sentence1, sentence2, gold_label;
//     XNLI test: id, premise, hypothesis, label; SICK: sentence_A, sentence_B, entailment_label);
//   tar archives (.tar.gz) of such TSV files (the XNLI test sets).
// Labels: entailment / neutral / contradiction in any case, e / n / c, or 0 / 1 / 2 (HF's order);
// "-" (no gold label) lines are skipped and counted.
#pragma once

#include "data/text_pairs.h"

#include <filesystem>
#include <string>
#include <vector>

namespace lacos {

enum class NliLabel { Entailment, Neutral, Contradiction };

struct NliExample {
  std::string premise;
  std::string hypothesis;
  NliLabel label = NliLabel::Neutral;
};

struct NliSet {
  std::filesystem::path path;
  std::vector<NliExample> examples;
  std::size_t unlabeled = 0;  // "-" or empty gold labels
  std::size_t malformed = 0;  // lines that could not be read
};

NliSet read_nli_file(const std::filesystem::path& path);

// (premise, entailed hypothesis) pairs in input order; with `hard_negatives`, each pair also gets a
// contradiction of the same premise, and premises without one are left out.
std::vector<TextPair> nli_training_pairs(const std::vector<NliExample>& examples, bool hard_negatives);

}  // namespace lacos
