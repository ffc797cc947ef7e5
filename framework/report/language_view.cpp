#include "report/language_view.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace lacos {

namespace {

struct ModelColumn {
  std::string model;
  std::int64_t params = 0;
  std::map<std::string, std::vector<double>> scores;  // set -> every run's score
};

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  int count = 0;
  for (const double v : values) {
    if (!std::isfinite(v)) continue;
    sum += v;
    ++count;
  }
  return count > 0 ? sum / count : std::nan("");
}

std::string score_cell(double value) { return std::isfinite(value) ? fmt::format("{:.2f}", value) : ""; }

}  // namespace

LanguageView language_view(const std::vector<ReportRun>& runs, LanguageSets which) {
  const bool bitext = which == LanguageSets::bitext;
  std::map<std::pair<std::int64_t, std::string>, ModelColumn> columns;  // ordered by size
  std::vector<std::string> sets;
  for (const ReportRun& run : runs) {
    ModelColumn& column = columns[{run.params_total, run.model}];
    column.model = run.model;
    column.params = run.params_total;
    for (const auto& [set, score] : run.final_score) {
      const bool is_bitext = std::find(run.bitext_sets.begin(), run.bitext_sets.end(), set) != run.bitext_sets.end();
      if (bitext != is_bitext || (!bitext && !is_multilingual_set(set) && set != "stsb-test")) continue;
      column.scores[set].push_back(score);
      if (std::find(sets.begin(), sets.end(), set) == sets.end()) sets.push_back(set);
    }
  }
  LanguageView view;
  view.plot = bitext ? PlotSpec{"Bitext mining (XNLI, with English) against model size",
                                "parameters",
                                "retrieval accuracy % (both directions)",
                                true,
                                {}}
                     : PlotSpec{"Each language's STS against model size", "parameters", "Spearman x100", true, {}};
  if (bitext ? sets.empty() : std::none_of(sets.begin(), sets.end(), is_multilingual_set)) return view;
  // Rows by their gain from the smallest to the largest model, largest gain first.
  std::vector<std::pair<double, std::string>> rows;
  for (const std::string& set : sets) {
    double first = std::nan(""), last = std::nan("");
    for (const auto& entry : columns) {
      const auto it = entry.second.scores.find(set);
      const double value = it == entry.second.scores.end() ? std::nan("") : mean_of(it->second);
      if (std::isfinite(value)) {
        if (!std::isfinite(first)) first = value;
        last = value;
      }
    }
    rows.emplace_back(last - first, set);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::isfinite(a.first) && (!std::isfinite(b.first) || a.first > b.first);
  });
  view.markdown = "| set |";
  std::string rule = "|---|";
  for (const auto& entry : columns) {
    view.markdown += fmt::format(" {} ({:.1f}M) |", entry.second.model, entry.second.params / 1e6);
    rule += "---|";
  }
  view.markdown += " gain, smallest to largest |\n" + rule + "---|\n";
  for (const auto& [gain, set] : rows) {
    PlotSeries series{set, {}, {}, true};
    view.markdown += "| " + set + " |";
    for (const auto& entry : columns) {
      const auto it = entry.second.scores.find(set);
      const double value = it == entry.second.scores.end() ? std::nan("") : mean_of(it->second);
      view.markdown += " " + score_cell(value) + " |";
      series.x.push_back(static_cast<double>(entry.second.params));
      series.y.push_back(value);
    }
    view.markdown += std::isfinite(gain) ? fmt::format(" {:+.2f} |\n", gain) : " |\n";
    view.plot.series.push_back(series);
  }
  return view;
}

}  // namespace lacos
