// The checkpoints of one run folder: checkpoint-<step>.h5 on schedule (the latest K kept) and
// checkpoint-best.h5 for the best evaluation of the chosen metric. run.h5 lists the kept ones.
#pragma once

#include "distributed/communicator.h"
#include "io/run_h5.h"
#include "train/training_checkpoint.h"

#include <filesystem>
#include <optional>
#include <string>

namespace lacos {

class RunCheckpoints {
 public:
  RunCheckpoints(std::filesystem::path folder, std::int64_t keep, std::string best_metric);

  // Writes checkpoint-<step>.h5, records it in `record` and deletes the ones beyond the latest `keep`.
  void save_scheduled(const TrainingCheckpoint& checkpoint, RunRecord& record);
  // Writes checkpoint-best.h5 when `record`'s latest value of the best metric beats the best so
  // far (Spearman, higher is better); sets /summary best_metric, best_step, best_spearman.
  void save_if_best(const TrainingCheckpoint& checkpoint, RunRecord& record);

  // The newest checkpoint recorded in `record` whose file exists, else the newest
  // checkpoint-<step>.h5 in the folder (run.h5 lost), else none.
  std::optional<std::filesystem::path> latest(const RunRecord* record) const;

 private:
  std::filesystem::path folder_;
  std::int64_t keep_;
  std::string best_metric_;
};

// Rank 0's `latest` checkpoint (none when nullopt) loaded on every rank: rank 0 reads the file
// and sends its bytes, so the other ranks need no access to the run folder.
std::optional<TrainingCheckpoint> load_checkpoint_on_all_ranks(Communicator& communicator,
                                                               const std::optional<std::filesystem::path>& latest);

}  // namespace lacos
