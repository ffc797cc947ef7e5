// Per-language view: every multilingual evaluation set (stsb_multi_mt, STS17 tracks) and the
// English STS-B test beside them, scored per model size (the mean over a model's runs), with the
// gain from the smallest to the largest model, so a reader sees which languages gain with scale.
#pragma once

#include "report/run_table.h"
#include "report/svg_plot.h"

#include <string>
#include <vector>

namespace lacos {

struct LanguageView {
  std::string markdown;  // empty when the runs have no multilingual set
  PlotSpec plot;
};

LanguageView language_view(const std::vector<ReportRun>& runs);

}  // namespace lacos
