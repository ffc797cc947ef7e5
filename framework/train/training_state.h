// The state of a training run that a checkpoint captures, saved and restored by one symmetric
// pair: the adapter weights, the optimizer state, the position in the data (epoch, next batch)
// and every rank's CPU random generator (dropout). save() and load() are each other's inverse;
// training_checkpoint.h puts the result in a file.
#pragma once

#include "distributed/communicator.h"
#include "optim/adam.h"
#include "train/training_checkpoint.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

class TrainingState {
 public:
  TrainingState(std::vector<std::pair<std::string, torch::Tensor>> parameters, Adam& optimizer,
                Communicator& communicator, std::uint64_t seed);

  std::int64_t epoch = 0;
  std::size_t next_batch = 0;  // index into the epoch's batch order

  // A run from step 0: rank 0 keeps the generator a single process would have, ranks 1.. get
  // streams of their own.
  void start();
  // Everything a checkpoint holds after `steps_completed` steps. Collective: every rank calls it.
  TrainingCheckpoint save(std::int64_t steps_completed) const;
  // The inverse of save(): this rank continues exactly where the writing run stopped. A rank the
  // writing job did not have gets a fresh stream of its own.
  void load(const TrainingCheckpoint& checkpoint);

 private:
  std::vector<std::pair<std::string, torch::Tensor>> parameters_;
  Adam& optimizer_;
  Communicator& communicator_;
  std::uint64_t seed_;
};

}  // namespace lacos
