#include "apps/prepare_data_command.h"

#include "data/derived_data.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace lacos {

int run_prepare_data_command(int argc, char** argv) {
  std::string data_root = "data";
  std::string output;
  std::uint64_t seed = 0;
  std::string only = "all";
  CLI::App app{
      "Build DATA/derived/ (STS evaluation TSVs, NLI entailment pairs, XNLI bitext-mining sets) from the raw "
      "datasets.",
      "lacos-prepare-data"};
  app.add_option("--data", data_root, "data root holding stsb/, stsb_multi_mt/, sts17/, nli/, xnli/, kornlu/")
      ->capture_default_str();
  app.add_option("--output", output, "where to write (default: DATA/derived)");
  app.add_option("--seed", seed, "shuffle seed of the pairs")->capture_default_str();
  app.add_option("--only", only, "what to build: all, or a comma-separated list of sts, pairs, bitext")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  const std::filesystem::path out =
      output.empty() ? std::filesystem::path(data_root) / "derived" : std::filesystem::path(output);
  for (const std::string& line : prepare_derived_data(data_root, out, seed, DerivedParts::parse(only)).lines)
    std::cout << line << "\n";
  return 0;
}

}  // namespace lacos
