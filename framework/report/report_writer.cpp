#include "report/report_writer.h"

#include "core/error.h"
#include "core/file_io.h"
#include "report/language_view.h"
#include "report/png_export.h"
#include "report/scaling_curves.h"
#include "report/svg_plot.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>

namespace lacos {

namespace fs = std::filesystem;

namespace {

void write_text(const fs::path& path, const std::string& text, std::vector<fs::path>& written) {
  write_file_bytes(path, text);
  written.push_back(path);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string cell(double value, const char* format = "{:.2f}") {
  return std::isfinite(value) ? fmt::format(fmt::runtime(format), value) : "";
}

bool is_bitext_set(const std::vector<ReportRun>& runs, const std::string& set) {
  return std::any_of(runs.begin(), runs.end(), [&](const ReportRun& run) {
    return std::find(run.bitext_sets.begin(), run.bitext_sets.end(), set) != run.bitext_sets.end();
  });
}

bool any_bitext(const std::vector<ReportRun>& runs) {
  return std::any_of(runs.begin(), runs.end(), [](const ReportRun& run) { return !run.bitext_sets.empty(); });
}

std::vector<std::string> all_sets(const std::vector<ReportRun>& runs) {
  std::vector<std::string> sets;
  for (const ReportRun& run : runs) {
    for (const auto& entry : run.record.eval) {
      if (std::find(sets.begin(), sets.end(), entry.first) == sets.end()) sets.push_back(entry.first);
    }
    for (const auto& entry : run.record.bitext) {
      if (std::find(sets.begin(), sets.end(), entry.first) == sets.end()) sets.push_back(entry.first);
    }
  }
  // STS-B dev and test first, then the other STS sets by name, then the bitext sets by name.
  const auto rank = [&](const std::string& set) {
    return set == "stsb-dev" ? 0 : set == "stsb-test" ? 1 : is_bitext_set(runs, set) ? 3 : 2;
  };
  std::sort(sets.begin(), sets.end(),
            [&](const std::string& a, const std::string& b) { return rank(a) != rank(b) ? rank(a) < rank(b) : a < b; });
  return sets;
}

// report.md's tables: the STS sets (the bitext sets, one column each, would make them unreadably
// wide: their per-language table and runs.csv carry them; the tables show their mean).
std::vector<std::string> table_sets(const std::vector<ReportRun>& runs, const std::vector<std::string>& sets) {
  std::vector<std::string> out;
  for (const std::string& set : sets)
    if (!is_bitext_set(runs, set)) out.push_back(set);
  return out;
}

double value_of(const ReportRun& run, const std::string& set) {
  const auto it = run.final_score.find(set);
  return it == run.final_score.end() ? std::nan("") : it->second;
}

std::pair<double, double> interval_of(const ReportRun& run, const std::string& set) {
  const auto it = run.final_interval.find(set);
  return it == run.final_interval.end() ? std::pair{std::nan(""), std::nan("")} : it->second;
}

// "36.10–41.02", or empty without an interval.
std::string interval_cell(const ReportRun& run, const std::string& set) {
  const auto [low, high] = interval_of(run, set);
  return std::isfinite(low) && std::isfinite(high) ? fmt::format("{:.2f}–{:.2f}", low, high) : "";
}

struct SeedGroup {
  std::vector<const ReportRun*> runs;
  std::string label;
};

std::pair<double, double> mean_std(const std::vector<double>& values) {
  std::vector<double> finite;
  for (double v : values)
    if (std::isfinite(v)) finite.push_back(v);
  if (finite.empty()) return {std::nan(""), std::nan("")};
  double mean = 0;
  for (double v : finite) mean += v / finite.size();
  double squares = 0;
  for (double v : finite) squares += (v - mean) * (v - mean);
  return {mean, finite.size() > 1 ? std::sqrt(squares / (finite.size() - 1)) : 0.0};
}

// A run name without its seed axis: "model=a,experiment.seed=1" -> "model=a".
std::string without_seed(const std::string& name) {
  std::string out;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t comma = name.find(',', start);
    if (comma == std::string::npos) comma = name.size();
    const std::string part = name.substr(start, comma - start);
    if (part.rfind("experiment.seed=", 0) != 0) out += (out.empty() ? "" : ",") + part;
    start = comma + 1;
  }
  return out;
}

std::vector<double> moving_average(const std::vector<double>& values, std::size_t window) {
  std::vector<double> out;
  double sum = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out.push_back(sum / static_cast<double>(std::min(i + 1, window)));
  }
  return out;
}

// "reference: lacos-tiny-2 seed 1" rather than "reference: model=lacos-tiny-2,experiment.seed=1".
std::string legend_label(const ReportRun& run) {
  std::string name = run.name;
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{"model=", ""}, {"experiment.seed=", "seed "}, {",", " "}}) {
    for (std::size_t at = name.find(from); at != std::string::npos; at = name.find(from, at + to.size()))
      name.replace(at, from.size(), to);
  }
  std::string label = run.experiment.empty() ? name : run.experiment + ": " + name;
  if (label.size() > 34) label = label.substr(0, 31) + "...";
  return label;
}

std::string runs_csv(const std::vector<ReportRun>& runs, const std::vector<std::string>& sets) {
  std::string csv = "run,file,model,status,seed,params_total,params_trainable";
  for (const std::string& set : sets)
    csv += "," + csv_field(set) + "," + csv_field(set + " low") + "," + csv_field(set + " high");
  csv += ",multilingual_mean,bitext_mean,peak_memory_bytes,tokens_per_second,wall_seconds\n";
  for (const ReportRun& run : runs) {
    csv += fmt::format("{},{},{},{},{},{},{}", csv_field(run.name), csv_field(run.file.string()), csv_field(run.model),
                       run.status, run.seed, run.params_total, run.params_trainable);
    for (const std::string& set : sets) {
      const auto [low, high] = interval_of(run, set);
      csv += "," + cell(value_of(run, set), "{:.4f}") + "," + cell(low, "{:.4f}") + "," + cell(high, "{:.4f}");
    }
    csv += fmt::format(",{},{},{:.0f},{:.1f},{:.1f}\n", cell(run.multilingual_mean, "{:.4f}"),
                       cell(run.bitext_mean, "{:.4f}"), run.peak_memory_bytes, run.tokens_per_second, run.wall_seconds);
  }
  return csv;
}

// Groups of runs differing only by seed: mean and standard deviation, as seeds.csv and as a
// Markdown table (empty when no group has two runs).
struct SeedTables {
  std::string csv;
  std::string markdown;
};

SeedTables seed_tables(const std::vector<ReportRun>& runs, const std::vector<std::string>& sets) {
  std::vector<SeedGroup> groups;
  std::map<std::string, std::size_t> index;
  for (const ReportRun& run : runs) {
    auto [it, inserted] = index.emplace(run.group, groups.size());
    if (inserted) groups.push_back({{}, without_seed(run.name).empty() ? run.model : without_seed(run.name)});
    groups[it->second].runs.push_back(&run);
  }
  // Columns: every set in seeds.csv, the STS sets in report.md (table_sets); then the means.
  struct Column {
    std::string name;
    std::function<double(const ReportRun&)> value;
    bool in_markdown;
  };
  std::vector<Column> columns;
  for (const std::string& set : sets) {
    columns.push_back({set, [set](const ReportRun& run) { return value_of(run, set); }, !is_bitext_set(runs, set)});
  }
  columns.push_back({"multilingual_mean", [](const ReportRun& run) { return run.multilingual_mean; }, true});
  if (any_bitext(runs)) columns.push_back({"bitext_mean", [](const ReportRun& run) { return run.bitext_mean; }, true});

  SeedTables out{"group,model,runs,params_total", "| runs | model | seeds |"};
  std::string rule = "|---|---|---|";
  for (const Column& column : columns) {
    out.csv += "," + csv_field(column.name + " mean") + "," + csv_field(column.name + " std");
    if (!column.in_markdown) continue;
    std::string title = column.name;
    std::replace(title.begin(), title.end(), '_', ' ');
    out.markdown += " " + title + " |";
    rule += "---|";
  }
  out.csv += "\n";
  out.markdown += "\n" + rule + "\n";
  bool any_seed_group = false;
  for (const SeedGroup& group : groups) {
    if (group.runs.size() < 2) continue;
    any_seed_group = true;
    std::vector<std::int64_t> seeds;
    for (const ReportRun* run : group.runs) seeds.push_back(run->seed);
    out.csv += fmt::format("{},{},{},{}", csv_field(group.label), csv_field(group.runs[0]->model), group.runs.size(),
                           group.runs[0]->params_total);
    out.markdown += fmt::format("| {} | {} | {} |", group.label, group.runs[0]->model, fmt::join(seeds, ","));
    for (const Column& column : columns) {
      std::vector<double> values;
      for (const ReportRun* run : group.runs) values.push_back(column.value(*run));
      const auto [mean, deviation] = mean_std(values);
      out.csv += "," + cell(mean, "{:.4f}") + "," + cell(deviation, "{:.4f}");
      if (column.in_markdown)
        out.markdown += std::isfinite(mean) ? fmt::format(" {:.2f} ± {:.2f} |", mean, deviation) : " |";
    }
    out.csv += "\n";
    out.markdown += "\n";
  }
  if (!any_seed_group) out.markdown.clear();
  return out;
}

// Every evaluation set's own power-law fit: one table row per set (and experiment), and one plot of
// the STS sets' points and fits (scaling_sets.svg; the fits' parameters are in the table, not the
// legend, which would not hold them). Empty when no set has a point.
std::string per_set_fits(const std::vector<ReportRun>& runs, const std::vector<std::string>& sets, const fs::path& out,
                         std::vector<fs::path>& written) {
  std::string rows;
  std::vector<ScalingCurve> sts_curves;
  for (const std::string& set : sets) {
    std::vector<ScalingCurve> curves = scaling_curves(
        runs, [&](const ReportRun& run) { return value_of(run, set); },
        [&](const ReportRun& run) { return interval_of(run, set); }, /*fit=*/true);
    rows += fit_rows(curves, "| " + set + " ", /*brief=*/true);
    if (is_bitext_set(runs, set)) continue;
    for (ScalingCurve& curve : curves) {
      curve.experiment = curves.size() > 1 ? set + " / " + curve.experiment : set;
      sts_curves.push_back(std::move(curve));
    }
  }
  if (rows.empty()) return "";
  write_text(out / "scaling_sets.svg",
             render_svg(scaling_plot(sts_curves, "Parameters vs each STS set", "Spearman x100", /*compact=*/true)),
             written);
  return "Fits per evaluation set (Spearman x100; bitext sets: accuracy %), ± one standard error over the "
         "runs (seeds); where c hit a bound, a and b are not determined and are left out:\n\n"
         "| set | experiment | a (limit) | b | c (exponent) | fitted on |\n|---|---|---|---|---|---|\n" +
      rows + "\n![every STS set against parameters, with its fit](scaling_sets.svg)\n\n";
}

// The scaling curves (report/scaling_curves.h): scores with error bars and power-law fits, memory
// and throughput with the seeds' spread; then the training loss and the evaluation curves.
// Returns report.md's scaling section (fit tables and the score plots) and per-language section.
struct PlotSections {
  std::string scaling, languages;
};
PlotSections write_plots(const std::vector<ReportRun>& runs, const std::vector<std::string>& sets,
                         const std::string& headline, const fs::path& out, std::vector<fs::path>& written) {
  const auto plot = [&](const std::string& file, const std::vector<ScalingCurve>& curves, const std::string& title,
                        const std::string& y_label) {
    write_text(out / file, render_svg(scaling_plot(curves, title, y_label)), written);
  };
  const auto headline_curves = scaling_curves(
      runs, [&](const ReportRun& run) { return value_of(run, headline); },
      [&](const ReportRun& run) { return interval_of(run, headline); }, /*fit=*/true);
  plot("scaling_sts.svg", headline_curves, "Parameters vs " + headline + " Spearman", headline + " Spearman x100");
  PlotSections sections;
  sections.scaling =
      fit_table(headline_curves, headline + " Spearman x100") + "\n![parameters vs Spearman](scaling_sts.svg)\n\n";
  const auto multilingual_curves = scaling_curves(
      runs, [](const ReportRun& run) { return run.multilingual_mean; }, {}, /*fit=*/true);
  if (!multilingual_curves.empty()) {
    plot("scaling_multilingual.svg", multilingual_curves, "Parameters vs multilingual mean Spearman",
         "multilingual mean Spearman x100");
    sections.scaling += fit_table(multilingual_curves, "the multilingual mean Spearman x100") +
        "\n![parameters vs multilingual mean](scaling_multilingual.svg)\n\n";
  }
  const auto bitext_curves = scaling_curves(
      runs, [](const ReportRun& run) { return run.bitext_mean; }, {}, /*fit=*/true);
  if (!bitext_curves.empty()) {
    plot("scaling_bitext.svg", bitext_curves, "Parameters vs bitext-mining accuracy (mean over languages)",
         "retrieval accuracy %");
    sections.scaling += fit_table(bitext_curves, "the bitext-mining accuracy % (mean over languages)") +
        "\n![parameters vs bitext mining](scaling_bitext.svg)\n\n";
  }
  sections.scaling += per_set_fits(runs, sets, out, written);
  plot("scaling_memory.svg",
       scaling_curves(
           runs, [](const ReportRun& run) { return run.peak_memory_bytes / 1e6; }, {}, /*fit=*/false),
       "Parameters vs peak memory", "peak memory (MB)");
  plot("scaling_throughput.svg",
       scaling_curves(
           runs, [](const ReportRun& run) { return run.tokens_per_second; }, {}, /*fit=*/false),
       "Parameters vs training throughput", "tokens / s");
  PlotSpec loss{"Training loss (moving average of 10 logged steps)", "step", "MNR loss", false, {}};
  const std::string curve_set = std::find(sets.begin(), sets.end(), "stsb-dev") != sets.end() ? "stsb-dev" : headline;
  PlotSpec curves{"Evaluation during training: " + curve_set, "step", curve_set + " Spearman x100", false, {}};
  for (const ReportRun& run : runs) {
    const std::string label = legend_label(run);
    PlotSeries series{label, {}, moving_average(run.record.train.loss, 10), true};
    for (std::int64_t step : run.record.train.step) series.x.push_back(static_cast<double>(step));
    loss.series.push_back(series);
    for (const auto& [set, values] : run.record.eval) {
      if (set != curve_set) continue;
      PlotSeries eval{label, {}, values.spearman, true};
      for (std::int64_t step : values.step) eval.x.push_back(static_cast<double>(step));
      curves.series.push_back(eval);
    }
  }
  write_text(out / "train_loss.svg", render_svg(loss), written);
  write_text(out / "eval_curves.svg", render_svg(curves), written);
  const LanguageView languages = language_view(runs, LanguageSets::sts);
  if (!languages.markdown.empty()) {
    write_text(out / "languages.svg", render_svg(languages.plot), written);
    sections.languages =
        "\n## Per language\n\nSpearman x100 per evaluation set and model (mean over its runs), "
        "sorted by the gain from the smallest model to the largest.\n\n" +
        languages.markdown + "\n![each language against model size](languages.svg)\n";
  }
  const LanguageView bitext = language_view(runs, LanguageSets::bitext);
  if (!bitext.markdown.empty()) {
    write_text(out / "languages_bitext.svg", render_svg(bitext.plot), written);
    sections.languages +=
        "\n## Bitext mining per language\n\nRetrieval accuracy % (each sentence's translation found "
        "nearest among all candidates, mean of the two directions) per language paired with English and "
        "model (mean over its runs), sorted by the gain from the smallest model to the largest.\n\n" +
        bitext.markdown + "\n![bitext mining against model size](languages_bitext.svg)\n";
  }
  return sections;
}

std::string report_markdown(const std::vector<ReportRun>& runs, const std::vector<std::string>& all,
                            const std::string& seeds_markdown, const PlotSections& plots) {
  const std::vector<std::string> sets = table_sets(runs, all);
  const bool bitext = any_bitext(runs);
  std::string md = fmt::format(
      "# lacos report\n\n{} run(s). Spearman x100 of cosine similarity, last evaluation of each run; "
      "multilingual mean = mean over the stsb_multi_mt (non-English) and STS17 sets present{}.\n\n",
      runs.size(),
      bitext ? "; bitext mean = retrieval accuracy % (both directions) averaged over the bitext-mining sets, "
               "each of which is in the per-language table below and in runs.csv"
             : "");
  md += "## Runs\n\n| run | model | status | params | trainable |";
  std::string rule = "|---|---|---|---|---|";
  for (const std::string& set : sets) {
    md += " " + set + " |";
    rule += "---|";
  }
  md += std::string(" multilingual mean |") + (bitext ? " bitext mean |" : "") +
      " peak memory MB | tokens/s | seconds |\n" + rule + (bitext ? "---|" : "") + "---|---|---|---|\n";
  for (const ReportRun& run : runs) {
    md += fmt::format("| {} | {} | {} | {} | {} |", run.name, run.model, run.status, run.params_total,
                      run.params_trainable);
    for (const std::string& set : sets) md += " " + cell(value_of(run, set)) + " |";
    md += " " + cell(run.multilingual_mean) + " |";
    if (bitext) md += " " + cell(run.bitext_mean) + " |";
    md += fmt::format(" {:.1f} | {:.0f} | {:.1f} |\n", run.peak_memory_bytes / 1e6, run.tokens_per_second,
                      run.wall_seconds);
  }
  md +=
      "\n## 95% confidence intervals\n\nBootstrap percentile intervals over the evaluation pairs (the "
      "uncertainty of each score from the finite test set; seeds add their own, below).\n\n| run |";
  for (const std::string& set : sets) md += " " + set + " |";
  md += "\n|---|";
  for (std::size_t i = 0; i < sets.size(); ++i) md += "---|";
  md += "\n";
  for (const ReportRun& run : runs) {
    md += "| " + run.name + " |";
    for (const std::string& set : sets) md += " " + interval_cell(run, set) + " |";
    md += "\n";
  }
  if (!seeds_markdown.empty()) md += "\n## Mean ± standard deviation over seeds\n\n" + seeds_markdown;
  md += "\n## Scaling\n\n" + plots.scaling + "![parameters vs peak memory](scaling_memory.svg)\n\n" +
      "![parameters vs tokens/s](scaling_throughput.svg)\n" + plots.languages +
      "\n## Training\n\n![training loss](train_loss.svg)\n\n"
      "![evaluation curves](eval_curves.svg)\n\nFiles: `runs.csv` (one row per run), `seeds.csv` (mean and std over "
      "seeds).\n";
  return md;
}

}  // namespace

std::vector<fs::path> write_report(const std::vector<ReportRun>& runs, const fs::path& out) {
  fs::create_directories(out);
  std::vector<fs::path> written;
  const std::vector<std::string> sets = all_sets(runs);
  const std::string headline = std::find(sets.begin(), sets.end(), "stsb-test") != sets.end() ? "stsb-test"
      : sets.empty()                                                                          ? ""
                                                                                              : sets.front();
  write_text(out / "runs.csv", runs_csv(runs, sets), written);
  const SeedTables seeds = seed_tables(runs, sets);
  write_text(out / "seeds.csv", seeds.csv, written);
  PlotSections plots = write_plots(runs, sets, headline, out, written);
  // PNG copies of the plots, beside them (report/png_export.h).
  std::vector<fs::path> pngs;
  for (const fs::path& file : written) {
    if (file.extension() != ".svg") continue;
    fs::path png = file;
    png.replace_extension(".png");
    if (!svg_to_png(file, png)) {
      plots.scaling += "(PNG copies of the plots need rsvg-convert: `apt install librsvg2-bin`.)\n\n";
      pngs.clear();
      break;
    }
    pngs.push_back(png);
  }
  written.insert(written.end(), pngs.begin(), pngs.end());
  write_text(out / "report.md", report_markdown(runs, sets, seeds.markdown, plots), written);
  return written;
}

}  // namespace lacos
