#include "apps/report_command.h"

#include "core/error.h"
#include "core/file_io.h"
#include "report/paired_comparison.h"
#include "report/report_writer.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace lacos {

namespace {

// `--compare A B`: comparison.md and comparison.csv in `out`, the table on stdout.
void write_comparison(const std::vector<std::string>& sides, const BootstrapOptions& options,
                      const std::filesystem::path& out) {
  const std::vector<ReportRun> a = collect_runs({sides[0]});
  const std::vector<ReportRun> b = collect_runs({sides[1]});
  const PairedReport report = compare_runs(a, b, options);
  if (report.rows.empty()) {
    std::string why;
    for (const std::string& note : report.notes) why += "\n  " + note;
    fail("--compare {} {}: no evaluation set that both sides scored on the same pairs{}", sides[0], sides[1],
         why.empty() ? " (no run of one side has a model the other side ran)" : why);
  }
  const std::string markdown = paired_markdown(report, options);
  std::filesystem::create_directories(out);
  write_file_bytes(out / "comparison.md",
                   fmt::format("# lacos comparison\n\nA: {}\nB: {}\n\n{}", sides[0], sides[1], markdown));
  write_file_bytes(out / "comparison.csv", paired_csv(report));
  std::cout << markdown << (out / "comparison.md").string() << "\n" << (out / "comparison.csv").string() << "\n";
}

}  // namespace

int run_report_command(int argc, char** argv) {
  std::vector<std::string> inputs, compare;
  std::string out = "report";
  BootstrapOptions bootstrap;
  CLI::App app{
      "Write report.md, runs.csv, seeds.csv and SVG plots from run.h5 files and sweep folders; or, with "
      "--compare A B, a paired bootstrap comparison of two runs or two sweeps on the same pairs.",
      "lacos-report"};
  app.add_option("inputs", inputs, "sweep folders (searched for run.h5) and run.h5 files, in any mix");
  app.add_option("--compare", compare, "two runs or sweeps (matched by model, then seed) to compare, A then B")
      ->expected(2);
  app.add_option("--resamples", bootstrap.resamples, "paired bootstrap resamples for --compare")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--out", out, "output folder")->capture_default_str();
  try {
    app.parse(argc, argv);
    if (inputs.empty() && compare.empty()) throw CLI::RequiredError("inputs (or --compare A B)");
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!compare.empty()) {
    write_comparison(compare, bootstrap, out);
    if (inputs.empty()) return 0;
  }
  const std::vector<ReportRun> runs = collect_runs(std::vector<std::filesystem::path>(inputs.begin(), inputs.end()));
  for (const auto& file : write_report(runs, out)) std::cout << file.string() << "\n";
  return 0;
}

}  // namespace lacos
