// Scaling curves: one metric against parameter count, one curve per experiment. A model size run
// with several seeds is drawn at its mean with the seeds' standard deviation as error bar; a size
// run once, with its score's bootstrap confidence interval. Scores get a saturating power-law fit
// (report/power_law_fit.h): over every seed's point when seeds exist (so the fit's uncertainty
// comes from the seeds), else weighted by the intervals (from the bootstrap); it needs 3 sizes.
#pragma once

#include "report/power_law_fit.h"
#include "report/run_table.h"
#include "report/svg_plot.h"

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

struct ScalingCurve {
  std::string experiment;
  std::vector<double> sizes, centre, low, high;  // per model size, ascending; low/high NaN: no bar
  int runs = 0, seeds_per_size = 1;              // seeds_per_size: the most runs at one size
  std::optional<PowerLawFit> fit;
  std::string fit_note;  // why there is no fit, or how it was weighted
};

using RunValue = std::function<double(const ReportRun&)>;
using RunInterval = std::function<std::pair<double, double>(const ReportRun&)>;

// `interval` may be empty (no intervals: memory, throughput); `fit` asks for the power law.
std::vector<ScalingCurve> scaling_curves(const std::vector<ReportRun>& runs, const RunValue& value,
                                         const RunInterval& interval, bool fit);

// Points with error bars, and each fit as a dashed curve of the same colour with its formula in
// the legend. `compact` (many curves): the legend names each curve alone, what the bars show goes
// into the title, and the fits are left out of the legend (a table gives them).
PlotSpec scaling_plot(const std::vector<ScalingCurve>& curves, const std::string& title, const std::string& y_label,
                      bool compact = false);

// A Markdown table of the fits: experiment, a, b, c with standard errors, points, how weighted.
std::string fit_table(const std::vector<ScalingCurve>& curves, const std::string& metric);
// Its rows alone, each starting with `lead` (e.g. "| stsb-dev "), for tables of several metrics;
// `brief`: the run count for a note, and a fit whose exponent hit its bound without a and b.
std::string fit_rows(const std::vector<ScalingCurve>& curves, const std::string& lead, bool brief);

}  // namespace lacos
