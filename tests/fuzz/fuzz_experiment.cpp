// Experiment files (YAML with defaults, config groups, sweeps and ${...} interpolation) composed
// with command-line overrides, as lacos-exp does: the input is the experiment file, a line "%%",
// then one override per line. The experiment sits beside a conf/ folder with model and optim
// groups. Every planned run of the sweep (up to three) is composed and written back as YAML.
#include "config/composer.h"
#include "config/sweep_plan.h"
#include "core/error.h"
#include "fuzz_support.h"

#include <algorithm>

namespace {

const std::filesystem::path& experiment_folder() {
  static const std::filesystem::path folder = [] {
    lacos::fuzz::write_input("exp/conf/model/tiny.yaml", "name: tiny\npath: /models/tiny\n");
    lacos::fuzz::write_input("exp/conf/model/big.yaml", "name: big\npath: ${env:LACOS_MODELS,models}/big\n");
    lacos::fuzz::write_input("exp/conf/optim/adam.yaml", "lr: 1e-4\nname: adamw\n");
    return lacos::fuzz::scratch_folder() / "exp";
  }();
  return folder;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text = lacos::fuzz::text_of(data, size);
  std::vector<std::string> overrides;
  const std::size_t split = text.find("\n%%\n");
  if (split != std::string::npos) {
    std::size_t start = split + 4;
    while (start < text.size()) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      overrides.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    text.resize(split + 1);
  }
  const auto path = lacos::fuzz::write_input("exp/experiment.yaml", text);
  (void)experiment_folder();
  lacos::fuzz::run_parser([&] {
    const lacos::ExperimentComposer composer(path);
    const std::vector<lacos::PlannedRun> runs = lacos::plan_sweep(composer, overrides, /*multirun=*/true);
    std::vector<lacos::ConfigNode> configs;
    for (std::size_t i = 0; i < std::min<std::size_t>(runs.size(), 3); ++i) {
      try {
        configs.push_back(composer.compose(runs[i].overrides, /*now=*/1700000000).config);
        (void)lacos::to_yaml(configs.back());
      } catch (const lacos::Error&) {
      }
    }
    (void)lacos::resolved_differences(configs);
  });
  return 0;
}
