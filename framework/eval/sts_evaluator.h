// Scores a sentence encoder on an STS set: Spearman and Pearson (x100) between the cosine of
// the two sentences' embeddings and the gold scores, each with a bootstrap confidence interval
// over the pairs (eval/bootstrap.h).
#pragma once

#include "core/json_file.h"
#include "data/sts_file.h"
#include "embed/sentence_encoder.h"
#include "eval/bootstrap.h"

#include <cstdint>

namespace lacos {

struct StsResult {
  std::string name;
  double spearman = 0.0;  // x100
  double pearson = 0.0;   // x100
  std::size_t pairs = 0;
  std::int64_t tokens = 0;  // tokens embedded (distinct sentences, after truncation)
  double seconds = 0.0;     // embedding time
  // Percentile intervals (x100) over resamples of the pairs; NaN when not computed.
  Interval spearman_interval, pearson_interval;
  // The cosine of each pair, and its gold score, in the set's order: what paired comparisons
  // between runs resample (empty for "<year>.mean").
  std::vector<double> predicted, gold;
};

// `bootstrap.resamples` == 0: no intervals.
StsResult evaluate_sts(SentenceEncoder& encoder, const StsSet& set, const BootstrapOptions& bootstrap,
                       ProgressBar* progress = nullptr);

// A SemEval year's subsets (read_sts_year): each subset, then "<year>.all" (all subsets'
// pairs concatenated, one correlation) and "<year>.mean" (the mean of the subsets' correlations).
std::vector<StsResult> evaluate_sts_year(SentenceEncoder& encoder, const std::vector<StsSet>& subsets,
                                         const std::string& year, const BootstrapOptions& bootstrap);

// {"<name>": {"spearman": x, "pearson": y, "pairs": n, "spearman_ci": [low, high],
//              "pearson_ci": [low, high]}, ...} (the intervals where computed)
Json sts_results_json(const std::vector<StsResult>& results);

}  // namespace lacos
