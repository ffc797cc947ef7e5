// lacos-report: tables, seed statistics and plots from run.h5 files.
#include "io/run_h5.h"
#include "report/paired_comparison.h"
#include "report/report_writer.h"
#include "report/run_table.h"
#include "report/svg_plot.h"
#include "test_support.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <random>

namespace lacos {
namespace {

namespace fs = std::filesystem;

// `bitext`: where finite, bitext series xnli-de-en (that accuracy) and xnli-zh-en (half of it).
void write_run(const fs::path& folder, const std::string& model, std::int64_t params, std::int64_t seed,
               double stsb_test, double bitext = std::nan("")) {
  RunRecord record;
  record.config_yaml =
      fmt::format("experiment: {{name: demo, seed: {}, output_dir: x}}\nmodel: {{name: {}}}\n", seed, model);
  record.summary = {{"status", std::string("completed")},
                    {"model", model},
                    {"experiment", std::string("demo")},
                    {"params_total", params},
                    {"params_trainable", std::int64_t{100}},
                    {"seed", seed},
                    {"peak_memory_bytes", 2e6 * static_cast<double>(params) / 1e6},
                    {"tokens_per_second", 1000.0},
                    {"wall_seconds", 12.0}};
  for (std::int64_t step = 0; step < 20; ++step) {
    record.train.step.push_back(step);
    record.train.loss.push_back(2.0 - 0.05 * static_cast<double>(step));
    record.train.lr.push_back(1e-3);
    record.train.tokens_per_second.push_back(1000);
  }
  EvalSeries& test = record.eval_series("stsb-test");
  test.step = {10, 20};
  test.spearman = {stsb_test - 5, stsb_test};
  test.pearson = {0, 0};
  test.spearman_low = {stsb_test - 8, stsb_test - 2};
  test.spearman_high = {stsb_test - 2, stsb_test + 2.5};
  EvalSeries& de = record.eval_series("stsb-de-test");
  de.step = {20};
  de.spearman = {40};
  de.pearson = {0};
  if (std::isfinite(bitext)) {
    for (const auto& [set, accuracy] : {std::pair{"xnli-de-en", bitext}, std::pair{"xnli-zh-en", bitext / 2}}) {
      BitextRow row;
      row.accuracy = accuracy;
      row.accuracy_low = accuracy - 3;
      row.accuracy_high = accuracy + 3;
      record.bitext_series(set).append(20, row);
    }
  }
  fs::create_directories(folder);
  write_run_h5(folder / "run.h5", record);
}

TEST(Report, TablesSeedStatisticsAndPlots) {
  test::TempDir dir;
  write_run(dir / "sweep" / "model=small,experiment.seed=0", "small", 1'000'000, 0, 50.0);
  write_run(dir / "sweep" / "model=small,experiment.seed=1", "small", 1'000'000, 1, 52.0);
  write_run(dir / "sweep" / "model=large,experiment.seed=0", "large", 9'000'000, 0, 60.0);
  const auto runs = collect_runs({dir / "sweep"});
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_TRUE(is_multilingual_set("stsb-de-test"));
  EXPECT_TRUE(is_multilingual_set("sts17-en-en"));
  EXPECT_FALSE(is_multilingual_set("stsb-test"));
  EXPECT_DOUBLE_EQ(runs[0].multilingual_mean, 40.0);
  const auto files = write_report(runs, dir / "out");
  // 8 plots (scaling_multilingual.svg, scaling_sets.svg and languages.svg among them), each also as
  // PNG where rsvg-convert is installed.
  const bool png = test::run_command("command -v rsvg-convert").exit_code == 0;
  if (!png && std::getenv("LACOS_REQUIRE_SHARED") != nullptr) FAIL() << "rsvg-convert missing (launch/setup.sh)";
  EXPECT_EQ(files.size(), png ? 19u : 11u);
  if (png) {
    const std::string bytes = test::read_bytes(dir / "out" / "scaling_sts.png");
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  }
  const std::string md = test::read_bytes(dir / "out" / "report.md");
  EXPECT_NE(md.find("| model=large,experiment.seed=0 | large | completed | 9000000 | 100 | 60.00 | 40.00 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| model=small | small | 0,1 | 51.00 ± 1.41 | 40.00 ± 0.00 |"), std::string::npos)
      << md;  // stsb-test first
  EXPECT_NE(md.find("![parameters vs Spearman](scaling_sts.svg)"), std::string::npos);
  // Per language, by gain from the smallest model to the largest.
  EXPECT_NE(md.find("| set | small (1.0M) | large (9.0M) | gain, smallest to largest |"), std::string::npos) << md;
  EXPECT_NE(md.find("| stsb-test | 51.00 | 60.00 | +9.00 |\n| stsb-de-test | 40.00 | 40.00 | +0.00 |"),
            std::string::npos)
      << md;
  // Confidence intervals where run.h5 has them (stsb-test), none where not (stsb-de-test).
  EXPECT_NE(md.find("| model=large,experiment.seed=0 | 58.00–62.50 |  |"), std::string::npos) << md;
  const std::string csv = test::read_bytes(dir / "out" / "runs.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  EXPECT_NE(csv.find(",60.0000,58.0000,62.5000,40.0000,,,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("run,file,model,status,seed,params_total,params_trainable,stsb-test,stsb-test low,stsb-test high,"
                     "stsb-de-test,stsb-de-test low,stsb-de-test high,multilingual_mean"),
            std::string::npos)
      << csv;
  const std::string svg = test::read_bytes(dir / "out" / "scaling_sts.svg");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  EXPECT_NE(svg.find("demo (mean ± std over seeds)"), std::string::npos) << svg;
  EXPECT_NE(md.find("| demo | | | | no fit: 2 model size(s)"), std::string::npos) << md;
  EXPECT_NE(test::read_bytes(dir / "out" / "train_loss.svg").find("demo: small seed 1"), std::string::npos);
}

// A run.h5 whose last evaluation kept the cosine of each of 300 pairs: gold plus noise of `sigma`.
void write_scored_run(const fs::path& folder, const std::string& model, std::int64_t seed, double sigma,
                      std::uint64_t noise_seed, bool other_pairs = false) {
  RunRecord record;
  record.config_yaml = fmt::format("experiment: {{seed: {}}}\nmodel: {{name: {}}}\n", seed, model);
  record.summary = {{"status", std::string("completed")}, {"model", model}, {"seed", seed}};
  std::mt19937_64 generator(noise_seed);
  std::normal_distribution<double> noise(0.0, sigma);
  EvalSeries& set = record.eval_series("stsb-test");
  for (int i = 0; i < 300; ++i) {
    set.gold.push_back((i * 37 % 26) / 5.0 + (other_pairs && i == 0 ? 0.1 : 0.0));
    set.predicted.push_back(set.gold.back() + noise(generator));
  }
  set.pairs_step = 20;
  set.append(20, EvalRow{});
  fs::create_directories(folder);
  write_run_h5(folder / "run.h5", record);
}

TEST(Report, PairedComparisonOfTwoSweepsMatchedByModel) {
  test::TempDir dir;
  for (const std::int64_t seed : {0, 1}) {
    write_scored_run(dir / "int8" / fmt::format("seed={}", seed), "tiny", seed, 0.8, 10 + seed);
    write_scored_run(dir / "float" / fmt::format("seed={}", seed), "tiny", seed, 2.5, 20 + seed);
  }
  write_scored_run(dir / "int8" / "other", "other", 0, 1.0, 30);
  const auto a = collect_runs({dir / "int8"}), b = collect_runs({dir / "float"});
  const BootstrapOptions options;
  const PairedReport report = compare_runs(a, b, options);
  ASSERT_EQ(report.rows.size(), 2u);  // seed 0 with seed 0, seed 1 with seed 1
  for (const PairedRow& row : report.rows) {
    EXPECT_EQ(row.a->seed, row.b->seed);
    EXPECT_GT(row.comparison.difference, 10.0);
    EXPECT_NEAR(row.a_score - row.b_score, row.comparison.difference, 1e-9);
    EXPECT_GT(row.comparison.interval.low, 0.0);
    EXPECT_LT(row.comparison.p_value, 0.01);
  }
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_NE(report.notes[0].find("other (model other, seed 0): 0 runs of the other side match"), std::string::npos)
      << report.notes[0];
  const std::string md = paired_markdown(report, options);
  EXPECT_NE(md.find("| stsb-test | seed=0 | seed=0 |"), std::string::npos) << md;
  EXPECT_NE(md.find("< 0.0010 |"), std::string::npos) << md;  // no resample of 1,000 reached zero
  const std::string csv = paired_csv(report);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);

  // Other pairs (one gold score differs): not compared, and said so.
  write_scored_run(dir / "shifted" / "seed=0", "tiny", 0, 0.8, 10, /*other_pairs=*/true);
  const auto shifted = collect_runs({dir / "shifted"});
  const PairedReport none = compare_runs(shifted, b, options);
  EXPECT_TRUE(none.rows.empty());
  ASSERT_EQ(none.notes.size(), 1u);
  EXPECT_NE(none.notes[0].find("not the same pairs"), std::string::npos) << none.notes[0];

  // The command line: comparison.md and comparison.csv; a clear error when nothing compares.
  const auto result = test::run_command(fmt::format("{} --compare {} {} --out {}",
                                                    test::quoted(test::bin("lacos-report")), test::quoted(dir / "int8"),
                                                    test::quoted(dir / "float"), test::quoted(dir / "cmp")));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(test::read_bytes(dir / "cmp" / "comparison.md").find("| stsb-test | seed=1 | seed=1 |"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "cmp" / "comparison.csv"));
  const auto refused = test::run_command(fmt::format("{} --compare {} {}", test::quoted(test::bin("lacos-report")),
                                                     test::quoted(dir / "shifted"), test::quoted(dir / "float")));
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("no evaluation set that both sides scored on the same pairs"), std::string::npos)
      << refused.output;
}

// Four sizes x three seeds on a known curve: the fit recovers it, the plot has error bars (the
// seeds' spread) and a dashed fitted curve.
TEST(Report, ScalingFitWithErrorBars) {
  test::TempDir dir;
  for (const double n : {1.8e6, 4.6e6, 9.1e6, 17.3e6}) {
    for (std::int64_t seed = 0; seed < 3; ++seed) {
      const double score = 60.0 - 20.0 * std::pow(n / 1e6, -0.7) + 0.3 * static_cast<double>(seed - 1);
      write_run(dir / "sweep" / fmt::format("model=m{:.0f},experiment.seed={}", n / 1e5, seed),
                fmt::format("m{}", static_cast<long>(n)), static_cast<std::int64_t>(n), seed, score);
    }
  }
  write_report(collect_runs({dir / "sweep"}), dir / "out");
  const std::string md = test::read_bytes(dir / "out" / "report.md");
  EXPECT_NE(md.find("| demo | 60.00 ± 0."), std::string::npos) << md;  // a, with its standard error
  EXPECT_NE(md.find("| 0.70 ± 0."), std::string::npos) << md;          // c
  EXPECT_NE(md.find("12 runs (seeds), unweighted"), std::string::npos) << md;
  // Each set has its own fit too: stsb-test's is the headline's.
  EXPECT_NE(md.find("| stsb-test | demo | 60.00 ± 0."), std::string::npos) << md;
  EXPECT_NE(md.find("12 runs |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("![every STS set against parameters, with its fit](scaling_sets.svg)"), std::string::npos);
  const std::string sets_svg = test::read_bytes(dir / "out" / "scaling_sets.svg");
  EXPECT_NE(sets_svg.find(">stsb-test</text>"), std::string::npos) << sets_svg;
  EXPECT_NE(sets_svg.find("Parameters vs each STS set (mean ± std over seeds; dashed: fits)"), std::string::npos);
  EXPECT_EQ(sets_svg.find("fit: "), std::string::npos) << "the fits' parameters are in the table";
  const std::string svg = test::read_bytes(dir / "out" / "scaling_sts.svg");
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find("fit: 60.0 - 20.0(N/1M)^-0.70"), std::string::npos) << svg;
  std::size_t bars = 0;
  for (std::size_t at = svg.find("<path d=\"M"); at != std::string::npos; at = svg.find("<path d=\"M", at + 1)) ++bars;
  EXPECT_EQ(bars, 4u) << "one error bar per size";
}

TEST(Report, BitextSetsGetColumnsAScalingFitAndALanguageView) {
  test::TempDir dir;
  const double sizes[] = {1.8e6, 4.6e6, 9.1e6, 17.3e6};
  for (int i = 0; i < 4; ++i) {
    write_run(dir / "sweep" / fmt::format("model=m{}", i), fmt::format("m{}", i), static_cast<std::int64_t>(sizes[i]),
              0, 50.0, 10.0 + 10.0 * i);
  }
  const auto runs = collect_runs({dir / "sweep"});
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(runs[3].bitext_sets, (std::vector<std::string>{"xnli-de-en", "xnli-zh-en"}));
  EXPECT_DOUBLE_EQ(runs[3].final_score.at("xnli-de-en"), 40.0);
  EXPECT_DOUBLE_EQ(runs[3].bitext_mean, 30.0);
  EXPECT_DOUBLE_EQ(runs[3].multilingual_mean, 40.0);  // STS only
  write_report(runs, dir / "out");
  const std::string md = test::read_bytes(dir / "out" / "report.md");
  // The runs table: the STS sets, the multilingual and the bitext mean (each bitext set is in the
  // per-language table and runs.csv); the intervals table, the STS sets.
  EXPECT_NE(md.find("| model=m3 | m3 | completed | 17300000 | 100 | 50.00 | 40.00 | 40.00 | 30.00 | 34.6 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| model=m3 | 48.00–52.50 |  |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("![parameters vs bitext mining](scaling_bitext.svg)"), std::string::npos) << md;
  EXPECT_NE(md.find("## Bitext mining per language"), std::string::npos) << md;
  EXPECT_NE(md.find("| xnli-de-en | 10.00 | 20.00 | 30.00 | 40.00 | +30.00 |\n| xnli-zh-en | 5.00 | 10.00 | 15.00 | "
                    "20.00 | +15.00 |"),
            std::string::npos)
      << md;
  // The STS view keeps to STS sets.
  EXPECT_EQ(md.find("| xnli-de-en | 50.00"), std::string::npos) << md;
  EXPECT_NE(test::read_bytes(dir / "out" / "languages_bitext.svg").find("retrieval accuracy"), std::string::npos);
  const std::string csv = test::read_bytes(dir / "out" / "runs.csv");
  EXPECT_NE(csv.find("xnli-zh-en,xnli-zh-en low,xnli-zh-en high,multilingual_mean,bitext_mean,"), std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",40.0000,30.0000,"), std::string::npos) << csv;  // multilingual mean, bitext mean
}

TEST(Report, SvgHandlesEmptyAndLogScales) {
  PlotSpec spec{"t <&>", "x", "y", true, {{"a", {1e6, 1e7}, {1, 2}, true}}};
  const std::string svg = render_svg(spec);
  EXPECT_NE(svg.find("t &lt;&amp;&gt;"), std::string::npos);
  EXPECT_NE(svg.find(">1M<"), std::string::npos);
  EXPECT_NE(svg.find(">10M<"), std::string::npos);
  EXPECT_NE(render_svg(PlotSpec{"empty", "x", "y", false, {}}).find("no data"), std::string::npos);
  // One x value (one evaluation per run, at step 60): round ticks around it, not 59.6 ... 60.4.
  const std::string single = render_svg(PlotSpec{"one step", "step", "y", false, {{"a", {60}, {1}, true}}});
  EXPECT_NE(single.find(">60<"), std::string::npos) << single;
  EXPECT_EQ(single.find(">59.8<"), std::string::npos) << single;
}

TEST(Report, SvgLegendLabelsAreCutToFit) {
  const std::string svg = render_svg(
      PlotSpec{"t",
               "x",
               "y",
               false,
               {{"exactly thirty-two characters ok", {0}, {0}, true}, {"é" + std::string(40, 'x'), {0}, {0}, true}}});
  EXPECT_NE(svg.find(">exactly thirty-two characters ok<"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">é" + std::string(30, 'x') + "…<"), std::string::npos) << svg;
}

TEST(Report, SvgSeriesPastThePaletteLookDifferent) {
  PlotSpec spec{"many", "x", "y", false, {}};
  for (int s = 0; s < 12; ++s)
    spec.series.emplace_back(fmt::format("s{}", s), std::vector<double>{0, 1}, std::vector<double>{1.0 * s, 2.0 * s});
  const std::string svg = render_svg(spec);
  // Series 0 and 10 share a colour: the second draws a dotted line and square markers.
  const auto lines_of = [&](const char* colour) {
    std::vector<std::string> found;
    for (std::size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) {
      const std::string line = svg.substr(at, svg.find('\n', at) - at);
      if (line.find(colour) != std::string::npos) found.push_back(line);
    }
    return found;
  };
  const auto blue = lines_of("#1f77b4");
  ASSERT_EQ(blue.size(), 2u) << svg;
  EXPECT_EQ(blue[0].find("stroke-dasharray"), std::string::npos) << blue[0];
  EXPECT_NE(blue[1].find("stroke-dasharray=\"2,2\""), std::string::npos) << blue[1];
  EXPECT_NE(svg.find("width=\"7\" height=\"7\" fill=\"#1f77b4\""), std::string::npos) << svg;
}

TEST(Report, ClearErrors) {
  test::TempDir dir;
  EXPECT_ERROR_CONTAINS(collect_runs({dir / "missing"}), "no such run.h5 file or folder");
  EXPECT_ERROR_CONTAINS(collect_runs({dir.path()}), "no run.h5 found under");
  test::write_bytes(dir / "bad" / "run.h5", "not hdf5");
  EXPECT_ERROR_CONTAINS(collect_runs({dir / "bad"}), "not an HDF5 file, or damaged");
}

}  // namespace
}  // namespace lacos
