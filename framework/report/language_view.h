// Per-language views, scored per model size (the mean over a model's runs), with the gain from the
// smallest to the largest model, so a reader sees which languages gain with scale: the STS view
// (every multilingual set, stsb_multi_mt and STS17 tracks, with the English STS-B test beside
// them; Spearman x100) and the bitext-mining view (every xnli-<lang>-en set; accuracy %).
#pragma once

#include "report/run_table.h"
#include "report/svg_plot.h"

#include <string>
#include <vector>

namespace lacos {

struct LanguageView {
  std::string markdown;  // empty when the runs have no set of the kind asked for
  PlotSpec plot;
};

enum class LanguageSets { sts, bitext };

LanguageView language_view(const std::vector<ReportRun>& runs, LanguageSets which);

}  // namespace lacos
