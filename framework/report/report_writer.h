// lacos-report's output: report.md (tables and the plots), runs.csv (one row per run, with each
// score's confidence interval), seeds.csv (mean and standard deviation over runs that differ only
// by seed) and plots as SVG and PNG: the scaling curves (parameters vs STS-B Spearman and vs the
// multilingual mean, with error bars and power-law fits; vs peak memory, vs tokens/s), training
// loss and evaluation curves.
#pragma once

#include "report/run_table.h"

#include <filesystem>
#include <string>
#include <vector>

namespace lacos {

// Returns the files written.
std::vector<std::filesystem::path> write_report(const std::vector<ReportRun>& runs, const std::filesystem::path& out);

}  // namespace lacos
