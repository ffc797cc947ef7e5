// Expands an experiment into runs: the cartesian product of the sweep axes, from the file's
// `sweep:` block (key: [values] or key: "range(...)") and, with -m, from command-line overrides
// listing several values (model=a,b  optim.lr=range(1e-4,4e-4,1e-4)). A command-line value for an
// axis replaces that axis; a single value pins it. The first axis varies slowest. At most 10,000
// runs: the product of the axes is counted before any run is made.
#pragma once

#include "config/composer.h"
#include "config/config_override.h"

#include <string>
#include <utility>
#include <vector>

namespace lacos {

struct PlannedRun {
  std::string name;                                       // "model=bloom-560m,optim.lr=0.001", or "run" without axes
  std::vector<std::pair<std::string, std::string>> axes;  // this run's value of each axis
  std::vector<ConfigOverride> overrides;                  // fixed overrides, then the axis values
};

std::vector<PlannedRun> plan_sweep(const ExperimentComposer& composer, const std::vector<std::string>& overrides,
                                   bool multirun);

// For --dry-run: per run, the resolved leaves whose values differ between runs ("key=value").
std::vector<std::vector<std::string>> resolved_differences(const std::vector<ConfigNode>& configs);

}  // namespace lacos
