#include "report/paired_comparison.h"

#include "eval/correlation.h"

#include <fmt/format.h>

#include <cmath>

namespace lacos {

namespace {

// The pairs a run was last scored on: (predicted, gold), or nullptr when run.h5 has none.
const EvalSeries* scored_pairs(const ReportRun& run, const std::string& set) {
  for (const auto& [name, series] : run.record.eval)
    if (name == set && series.pairs_step >= 0 && !series.predicted.empty()) return &series;
  return nullptr;
}

std::string csv_text(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string p_text(double p, int resamples) {
  if (std::isnan(p)) return "";
  // The smallest p a bootstrap of R resamples can show is 1 / (R + 1).
  if (p <= 1.0 / (resamples + 1) + 1e-12) return fmt::format("< {:.4f}", 1.0 / resamples);
  return fmt::format("{:.4f}", p);
}

}  // namespace

std::vector<std::pair<const ReportRun*, const ReportRun*>> match_runs(const std::vector<ReportRun>& a,
                                                                      const std::vector<ReportRun>& b,
                                                                      std::vector<std::string>& notes) {
  std::vector<std::pair<const ReportRun*, const ReportRun*>> pairs;
  for (const ReportRun& run : a) {
    std::vector<const ReportRun*> same_model, same_seed;
    for (const ReportRun& other : b) {
      if (other.model != run.model) continue;
      same_model.push_back(&other);
      if (other.seed == run.seed) same_seed.push_back(&other);
    }
    const std::vector<const ReportRun*>& candidates = same_model.size() == 1 ? same_model : same_seed;
    if (candidates.size() == 1) {
      pairs.emplace_back(&run, candidates.front());
    } else {
      notes.push_back(fmt::format("{} (model {}, seed {}): {} runs of the other side match, so it is not compared",
                                  run.name, run.model, run.seed, candidates.size()));
    }
  }
  return pairs;
}

PairedReport compare_runs(const std::vector<ReportRun>& a, const std::vector<ReportRun>& b,
                          const BootstrapOptions& options) {
  PairedReport report;
  for (const auto& [left, right] : match_runs(a, b, report.notes)) {
    for (const auto& entry : left->record.eval) {
      const std::string& set = entry.first;
      const EvalSeries* mine = scored_pairs(*left, set);
      const EvalSeries* theirs = scored_pairs(*right, set);
      if (mine == nullptr && theirs == nullptr) continue;  // e.g. "<year>.mean", which has no pairs
      if (mine == nullptr || theirs == nullptr) {
        report.notes.push_back(fmt::format(
            "{} vs {} on {}: only one run has per-pair scores (the other did not evaluate it, or wrote run.h5 "
            "schema 1)",
            left->name, right->name, set));
        continue;
      }
      if (mine->gold != theirs->gold) {
        report.notes.push_back(fmt::format("{} vs {} on {}: not the same pairs ({} and {} gold scores differ)",
                                           left->name, right->name, set, mine->gold.size(), theirs->gold.size()));
        continue;
      }
      PairedRow row;
      row.set = set;
      row.a = left;
      row.b = right;
      row.comparison = paired_bootstrap(mine->predicted, theirs->predicted, mine->gold, Correlation::spearman, options);
      row.a_score = 100.0 * spearman(mine->predicted, mine->gold);
      row.b_score = 100.0 * spearman(theirs->predicted, theirs->gold);
      report.rows.push_back(row);
    }
  }
  return report;
}

std::string paired_markdown(const PairedReport& report, const BootstrapOptions& options) {
  std::string md = fmt::format(
      "Spearman x100, A - B, on the same pairs; {:.0f}% bootstrap interval of the difference and the two-sided "
      "p-value of no difference, from {} paired resamples (seed {}).\n\n"
      "| set | A | B | A score | B score | A - B | interval | p |\n|---|---|---|---|---|---|---|---|\n",
      100 * options.level, options.resamples, options.seed);
  for (const PairedRow& row : report.rows) {
    const PairedComparison& c = row.comparison;
    md += fmt::format("| {} | {} | {} | {:.2f} | {:.2f} | {:+.2f} | {:.2f} to {:.2f} | {} |\n", row.set, row.a->name,
                      row.b->name, row.a_score, row.b_score, c.difference, c.interval.low, c.interval.high,
                      p_text(c.p_value, c.resamples));
  }
  if (!report.notes.empty()) {
    md += "\nNot compared:\n\n";
    for (const std::string& note : report.notes) md += "- " + note + "\n";
  }
  return md;
}

std::string paired_csv(const PairedReport& report) {
  std::string csv = "set,a,b,a_file,b_file,a_spearman,b_spearman,difference,low,high,p_value,resamples\n";
  for (const PairedRow& row : report.rows) {
    const PairedComparison& c = row.comparison;
    csv += fmt::format("{},{},{},{},{},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{:.6f},{}\n", csv_text(row.set),
                       csv_text(row.a->name), csv_text(row.b->name), csv_text(row.a->file.string()),
                       csv_text(row.b->file.string()), row.a_score, row.b_score, c.difference, c.interval.low,
                       c.interval.high, c.p_value, c.resamples);
  }
  return csv;
}

}  // namespace lacos
