// Paired comparisons between runs scored on the same pairs: for every evaluation set two runs
// share, the difference of their Spearman x100, its bootstrap interval and the p-value of "no
// difference", from the per-pair cosines run.h5 keeps (eval/bootstrap.h). Two sweeps compare run
// by run, matched by model (and seed, where a model has several).
#pragma once

#include "eval/bootstrap.h"
#include "report/run_table.h"

#include <string>
#include <utility>
#include <vector>

namespace lacos {

struct PairedRow {
  std::string set;
  const ReportRun* a = nullptr;
  const ReportRun* b = nullptr;
  double a_score = 0.0, b_score = 0.0;  // Spearman x100 on the full set
  PairedComparison comparison;          // A - B
};

struct PairedReport {
  std::vector<PairedRow> rows;
  std::vector<std::string> notes;  // runs without a partner, sets not comparable
};

// The runs of `b` each run of `a` is compared with: the same model, and the same seed where `b`
// has that model more than once.
std::vector<std::pair<const ReportRun*, const ReportRun*>> match_runs(const std::vector<ReportRun>& a,
                                                                      const std::vector<ReportRun>& b,
                                                                      std::vector<std::string>& notes);

PairedReport compare_runs(const std::vector<ReportRun>& a, const std::vector<ReportRun>& b,
                          const BootstrapOptions& options);

// comparison.md's table and comparison.csv.
std::string paired_markdown(const PairedReport& report, const BootstrapOptions& options);
std::string paired_csv(const PairedReport& report);

}  // namespace lacos
