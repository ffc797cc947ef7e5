// run.h5: everything one run produces that reports read (schema in docs/experiments.md).
//   /config                 resolved YAML (UTF-8 string)
//   /overrides              the command-line overrides of this run, one per line
//   /summary                attributes: status (running, completed, interrupted, failed), model,
//                           params_total, params_trainable, peak_memory_bytes, tokens_per_second,
//                           wall_seconds, world_size, device, versions, schema_version, ...
//   /train/{step,loss,lr,tokens_per_second}          one row per logged step
//   /eval/<set>/{step,spearman,pearson}              one row per evaluation
// Every dataset exists from the start (empty, growing), and the file is flushed after every
// logged step and evaluation, so a reader sees a consistent file while the run goes on.
#pragma once

#include "io/h5_attributes.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lacos {

inline constexpr std::int64_t kRunH5SchemaVersion = 1;

class RunH5 {
 public:
  // Creates the file (replacing any), writes /config and /overrides, sets status=running.
  RunH5(const std::filesystem::path& path, const std::string& config_yaml, const std::string& overrides,
        const std::vector<std::string>& eval_sets);
  ~RunH5();
  RunH5(const RunH5&) = delete;
  RunH5& operator=(const RunH5&) = delete;

  void set_summary(const std::string& key, const H5Scalar& value);
  void append_train(std::int64_t step, double loss, double lr, double tokens_per_second);
  void append_eval(const std::string& set, std::int64_t step, double spearman, double pearson);
  void flush();
  const std::filesystem::path& path() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Reading back (tests, reports): a 1-D numeric dataset as doubles, and a string dataset.
std::vector<double> read_h5_doubles(const std::filesystem::path& path, const std::string& dataset);
std::string read_h5_string(const std::filesystem::path& path, const std::string& dataset);

}  // namespace lacos
