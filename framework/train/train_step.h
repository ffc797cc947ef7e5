// One optimizer step of LoRA + MNR training, exactly as lacos-exp runs it (Trainer) and as
// lacos-bench measures it: forward and backward of the pair batch (GradCache when mini-batches
// are set), the gradients averaged over the ranks, clipping, the optimizer update (8-bit Adam by
// default), cleared gradients. Nothing is read back to the host: loss, gradient norm and the
// optimizer's skip flag stay on the device until a caller that logs reads them.
#pragma once

#include "distributed/gradient_sync.h"
#include "optim/adam.h"
#include "train/mnr_step.h"
#include "train/trainer.h"

#include <string>
#include <utility>
#include <vector>

namespace lacos {

struct StepTensors {
  torch::Tensor loss;       // this rank's MNR loss, 0-dim
  torch::Tensor grad_norm;  // before clipping, 0-dim; undefined when neither clipped nor asked for
  torch::Tensor applied;    // 0-dim bool: false when the update was skipped (non-finite gradients)
};

class TrainStep {
 public:
  // `parameters`: the trainable adapter; `communicator`: a world of one trains alone.
  TrainStep(SiameseEncoder& siamese, std::vector<std::pair<std::string, torch::Tensor>> parameters,
            const TrainerOptions& options, Communicator& communicator);

  // `with_norm`: compute the gradient norm even when not clipping (a step that logs).
  StepTensors run(const PairBatch& batch, double learning_rate, bool with_norm);

  Adam& optimizer() { return optimizer_; }
  GradientSync& sync() { return sync_; }

 private:
  SiameseEncoder& siamese_;
  std::vector<torch::Tensor> adapter_;
  std::int64_t mini_batch_size_;
  double max_grad_norm_;
  MnrOptions mnr_;
  Adam optimizer_;
  GradientSync sync_;
};

}  // namespace lacos
