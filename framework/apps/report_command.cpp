#include "apps/report_command.h"

#include "report/report_writer.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace lacos {

int run_report_command(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::string out = "report";
  CLI::App app{"Write report.md, runs.csv, seeds.csv and SVG plots from run.h5 files and sweep folders.",
               "lacos-report"};
  app.add_option("inputs", inputs, "sweep folders (searched for run.h5) and run.h5 files, in any mix")->required();
  app.add_option("--out", out, "output folder")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  const std::vector<ReportRun> runs = collect_runs(std::vector<std::filesystem::path>(inputs.begin(), inputs.end()));
  for (const auto& file : write_report(runs, out)) std::cout << file.string() << "\n";
  return 0;
}

}  // namespace lacos
