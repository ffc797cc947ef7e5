// lacos-exp's work: plan the sweep, compose and check every run's configuration before the
// first one starts (a typo in run 5 must not surface after run 4 has trained for an hour),
// then run them one after another into <experiment.output_dir>/<run-name>/.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lacos {

struct SweepRequest {
  std::filesystem::path experiment_file;
  std::vector<std::string> overrides;
  bool multirun = false;
  bool dry_run = false;          // list the runs and what differs between them
  bool print_config = false;     // print each run's resolved configuration
  std::filesystem::path resume;  // a run or sweep folder to continue (instead of an experiment file)
  // One run into exactly this folder instead of <experiment.output_dir>/<run name> (lacos-train's
  // --output); the experiment file may then be empty (schema defaults and overrides alone).
  std::filesystem::path run_folder;
};

// Returns the process exit status: 0 when every run completed, 128 + the signal when stopped by
// SIGINT/SIGTERM (the current run checkpointed and marked interrupted). Runs already completed
// in the sweep folder are skipped; unfinished ones continue from their last checkpoint.
int run_sweep(const SweepRequest& request);

}  // namespace lacos
