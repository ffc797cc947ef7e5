// The runs a report covers, read from run.h5 files (given directly, or found under sweep
// folders), with the figures the report tabulates and groups of runs that differ only by seed.
#pragma once

#include "io/run_h5.h"

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

struct ReportRun {
  std::filesystem::path file;
  std::string name;  // the run's folder name (its sweep axes), or its path when ambiguous
  RunRecord record;
  std::string experiment, model, status;
  std::int64_t params_total = 0, params_trainable = 0, seed = 0;
  double peak_memory_bytes = 0, tokens_per_second = 0, wall_seconds = 0;
  // Last evaluation of each set: Spearman x100 for STS sets, retrieval accuracy % for bitext sets.
  std::map<std::string, double> final_score;
  std::map<std::string, std::pair<double, double>> final_interval;  // its confidence interval (NaN: none)
  std::vector<std::string> bitext_sets;                             // which of them are bitext sets
  double multilingual_mean = 0;                                     // NaN without multilingual sets
  double bitext_mean = 0;                                           // NaN without bitext sets
  std::string group;  // runs with the same group differ only by experiment.seed
};

// The multilingual sets: stsb_multi_mt tests other than English (stsb-<lang>-test) and STS17 tracks.
bool is_multilingual_set(const std::string& name);

std::vector<ReportRun> collect_runs(const std::vector<std::filesystem::path>& inputs);

}  // namespace lacos
