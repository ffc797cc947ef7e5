// Everything a run needs to continue exactly where it stopped: the adapter weights, the
// optimizer state (8-bit codes and absmax included), the position in the data (steps done,
// epoch, next batch of that epoch's order) and the CPU random generator (dropout). Stored as an
// HDF5 file of its own (io/tensor_h5.h), written atomically.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

inline constexpr std::int64_t kCheckpointSchemaVersion = 1;

struct TrainingCheckpoint {
  std::int64_t steps_completed = 0;
  std::int64_t epoch = 0;
  std::int64_t next_batch = 0;                                   // index into that epoch's batch order
  std::vector<std::pair<std::string, torch::Tensor>> adapter;    // trainable parameters by name
  std::vector<std::pair<std::string, torch::Tensor>> optimizer;  // Adam::state()
  torch::Tensor rng_state;                                       // torch's default CPU generator (rank 0's)
  // Data parallelism: the generators of ranks 1.. of the job that wrote it (dropout differs per rank).
  std::vector<torch::Tensor> other_rank_rng_states;
};

void save_training_checkpoint(const std::filesystem::path& path, const TrainingCheckpoint& checkpoint);
// Errors name the file and what is wrong (not a checkpoint, another schema version, torn).
TrainingCheckpoint load_training_checkpoint(const std::filesystem::path& path);

}  // namespace lacos
