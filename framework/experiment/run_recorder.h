// What one run records, in one place: run.h5 (the summary under named keys, the /train and
// /eval series, the status) and run.log. Every rank keeps the record; rank 0 alone writes it.
// Summary keys and their meaning: docs/experiments.md.
#pragma once

#include "core/disk_reserve.h"
#include "distributed/communicator.h"
#include "embed/sentence_encoder.h"
#include "experiment/run_folder.h"
#include "io/run_h5.h"
#include "train/trainer.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace lacos {

struct RunOutcome {
  RunStatus status = RunStatus::completed;  // completed, or interrupted (a checkpoint was written)
  bool skipped = false;                     // completed in an earlier invocation, not run again
  std::vector<StsResult> final_scores;      // last evaluation
  std::vector<BitextResult> final_bitext;   // its bitext sets
  double tokens_per_second = 0.0;
  std::int64_t peak_memory_bytes = 0;
  double wall_seconds = 0.0;
};

class RunRecorder {
 public:
  // A fresh run.h5, or the earlier one cut back to the checkpoint `resume` continues from.
  // `start`: when the run began (wall_seconds counts from it).
  RunRecorder(const RunJob& job, RunFolder& folder, const EvalSuite& eval_sets,
              const std::optional<TrainingCheckpoint>& resume, std::chrono::steady_clock::time_point start);

  void log(const std::string& line) { folder_.log().line(line); }
  // status=running, and who runs what where (experiment, model, ranks, device, versions, seed, tags).
  void started(const RunJob& job, const RunSettings& settings, const Communicator& communicator);
  void model_loaded(const BloomConfig& config, const RunSettings& settings, bool random, double seconds,
                    std::int64_t peak_resident_bytes);
  void training_plan(std::int64_t params_trainable, std::int64_t pairs, std::size_t removed, std::size_t malformed);
  void step(const StepRecord& step);
  void evaluation(const EvalRecord& evaluation);
  void training_done(const TrainResult& result, const RunSettings& settings, const Communicator& communicator);
  void interrupted(const TrainResult& result);
  void completed(const RunOutcome& outcome, std::int64_t peak_resident_bytes);
  // Records status=failed and the error; never throws (a failure to write is logged instead).
  void failed(const std::exception& error);
  // The record, for the checkpoints kept with it.
  RunRecord& record() { return h5_.record(); }
  void flush() { save(); }
  double seconds_since_start() const;

 private:
  // Space kept free beside run.h5 (core/disk_reserve.h): this margin plus twice the file.
  static constexpr std::uint64_t kReserveMarginBytes = 256 << 10;
  static constexpr int kStepSaveSeconds = 10;
  void save();

  RunFolder& folder_;
  RunH5 h5_;
  DiskReserve reserve_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_save_;
};

// What a completed run recorded, read back from its run.h5 (a run skipped as done).
RunOutcome outcome_of(const RunRecord& record);

}  // namespace lacos
