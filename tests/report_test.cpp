// lacos-report: tables, seed statistics and plots from run.h5 files.
#include "io/run_h5.h"
#include "report/report_writer.h"
#include "report/run_table.h"
#include "report/svg_plot.h"
#include "test_support.h"

#include <fmt/format.h>

namespace lacos {
namespace {

namespace fs = std::filesystem;

void write_run(const fs::path& folder, const std::string& model, std::int64_t params, std::int64_t seed,
               double stsb_test) {
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
  EvalSeries& de = record.eval_series("stsb-de-test");
  de.step = {20};
  de.spearman = {40};
  de.pearson = {0};
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
  EXPECT_EQ(files.size(), 8u);
  const std::string md = test::read_bytes(dir / "out" / "report.md");
  EXPECT_NE(md.find("| model=large,experiment.seed=0 | large | completed | 9000000 | 100 | 60.00 | 40.00 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| model=small | small | 0,1 | 51.00 ± 1.41 | 40.00 ± 0.00 |"), std::string::npos)
      << md;  // stsb-test first
  EXPECT_NE(md.find("![parameters vs Spearman](scaling_sts.svg)"), std::string::npos);
  const std::string csv = test::read_bytes(dir / "out" / "runs.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  EXPECT_NE(
      csv.find("run,file,model,status,seed,params_total,params_trainable,stsb-test,stsb-de-test,multilingual_mean"),
      std::string::npos)
      << csv;
  const std::string svg = test::read_bytes(dir / "out" / "scaling_sts.svg");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  EXPECT_NE(svg.find("demo seed 0"), std::string::npos);
  EXPECT_NE(test::read_bytes(dir / "out" / "train_loss.svg").find("demo: small seed 1"), std::string::npos);
}

TEST(Report, SvgHandlesEmptyAndLogScales) {
  PlotSpec spec{"t <&>", "x", "y", true, {{"a", {1e6, 1e7}, {1, 2}, true}}};
  const std::string svg = render_svg(spec);
  EXPECT_NE(svg.find("t &lt;&amp;&gt;"), std::string::npos);
  EXPECT_NE(svg.find(">1M<"), std::string::npos);
  EXPECT_NE(svg.find(">10M<"), std::string::npos);
  EXPECT_NE(render_svg(PlotSpec{"empty", "x", "y", false, {}}).find("no data"), std::string::npos);
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
