// The evaluation sets of one run, read (and checked) before any model loads: STS files and
// SemEval year folders, the latter scored per subset plus "<year>.all" (all subsets' pairs in
// one correlation) and "<year>.mean" (mean of the subsets' correlations).
#pragma once

#include "data/sts_file.h"
#include "eval/bootstrap.h"
#include "eval/sts_evaluator.h"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

class SentenceEncoder;

struct StsSuite {
  std::vector<StsSet> files;
  std::vector<std::pair<std::string, std::vector<StsSet>>> years;  // year name -> subsets
  BootstrapOptions bootstrap;  // the confidence intervals of every score (eval.bootstrap_*)

  static StsSuite read(const std::vector<std::filesystem::path>& paths);
  static StsSuite of_files(std::vector<StsSet> sets);

  bool empty() const { return files.empty() && years.empty(); }
  // Every set in order (year subsets included), e.g. for removing evaluation sentences from training data.
  std::vector<const StsSet*> all_sets() const;
  // The names evaluate() reports, in its order.
  std::vector<std::string> result_names() const;
  std::vector<StsResult> evaluate(SentenceEncoder& encoder) const;
};

}  // namespace lacos
