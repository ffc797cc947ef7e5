// One run's folder as an invocation finds it (rank 0 looks, every rank learns the answer):
// locked against a second lacos-exp on the same run, what an earlier invocation left (run.h5,
// checkpoints), whether the run is already completed, and the checkpoint to resume from.
#pragma once

#include "distributed/communicator.h"
#include "experiment/run_checkpoints.h"
#include "experiment/run_log.h"
#include "experiment/run_settings.h"
#include "io/run_h5.h"
#include "train/training_checkpoint.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lacos {

struct RunJob {
  std::string name;              // folder name inside the sweep
  std::filesystem::path folder;  // <sweep>/<name>
  std::string config_yaml;       // resolved configuration
  std::vector<std::string> overrides;
  RunSettings settings;
};

// config.yaml and overrides.txt: the run as this invocation plans it, enough for `--resume` to
// run it (written for every run of a sweep before the first starts).
void write_run_configuration(const RunJob& job);

// An exclusive lock on <folder>/run.lock for as long as the object lives (flock: the kernel
// drops it when the process dies, so a crashed run never leaves the folder locked).
class RunLock {
 public:
  explicit RunLock(const std::filesystem::path& folder);  // an empty path locks nothing
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

class RunFolder {
 public:
  // Collective: rank 0 creates and locks the folder and reads what is there.
  RunFolder(const RunJob& job, Communicator& communicator);

  bool writer() const { return writer_; }  // rank 0: the one rank that writes
  RunLog& log() { return log_; }
  // run.h5 of an earlier invocation (rank 0 only; a damaged one is set aside as run.h5.unreadable).
  std::optional<RunRecord>& previous() { return previous_; }
  // Whether an earlier invocation completed this run (every rank gets rank 0's answer).
  bool completed() const { return completed_; }
  // write_run_configuration on rank 0.
  void write_configuration(const RunJob& job) const;
  // The newest checkpoint of an earlier attempt, loaded on every rank (collective).
  std::optional<TrainingCheckpoint> resume_point(Communicator& communicator, const RunCheckpoints& checkpoints);
  std::filesystem::path run_h5() const;  // empty on ranks that do not write

 private:
  std::filesystem::path folder_;
  bool writer_;
  RunLock lock_;
  RunLog log_;
  std::optional<RunRecord> previous_;
  bool completed_ = false;
};

}  // namespace lacos
