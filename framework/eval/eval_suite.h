// The evaluation sets of one run, read (and checked) before any model loads: STS files, SemEval
// year folders (scored per subset plus "<year>.all", all subsets' pairs in one correlation, and
// "<year>.mean", the mean of the subsets' correlations), and bitext-mining sets (files in a folder
// named `bitext`, eval/bitext_evaluator.h).
#pragma once

#include "data/bitext_file.h"
#include "data/sts_file.h"
#include "eval/bitext_evaluator.h"
#include "eval/bootstrap.h"
#include "eval/sts_evaluator.h"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

class SentenceEncoder;

// One evaluation of every set of a suite.
struct SuiteScores {
  std::vector<StsResult> sts;
  std::vector<BitextResult> bitext;
};

struct EvalSuite {
  std::vector<StsSet> files;
  std::vector<std::pair<std::string, std::vector<StsSet>>> years;  // year name -> subsets
  std::vector<BitextSet> bitext;
  BootstrapOptions bootstrap;  // the confidence intervals of every score (eval.bootstrap_*)

  static EvalSuite read(const std::vector<std::filesystem::path>& paths);
  static EvalSuite of_files(std::vector<StsSet> sets);

  bool empty() const { return files.empty() && years.empty() && bitext.empty(); }
  // Every STS set in order (year subsets included).
  std::vector<const StsSet*> all_sets() const;
  // Every sentence of every set, e.g. for removing evaluation sentences from training data.
  std::vector<const std::string*> all_sentences() const;
  // The STS names evaluate() reports, in its order, then the bitext sets'.
  std::vector<std::string> result_names() const;
  std::vector<std::string> bitext_names() const;
  SuiteScores evaluate(SentenceEncoder& encoder) const;
};

}  // namespace lacos
