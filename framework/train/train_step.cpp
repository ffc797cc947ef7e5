#include "train/train_step.h"

#include "optim/grad_norm.h"

namespace lacos {

namespace {

std::vector<torch::Tensor> tensors_of(const std::vector<std::pair<std::string, torch::Tensor>>& parameters) {
  std::vector<torch::Tensor> tensors;
  for (const auto& [name, parameter] : parameters) tensors.push_back(parameter);
  return tensors;
}

}  // namespace

TrainStep::TrainStep(SiameseEncoder& siamese, std::vector<std::pair<std::string, torch::Tensor>> parameters,
                     const TrainerOptions& options, Communicator& communicator)
    : siamese_(siamese),
      adapter_(tensors_of(parameters)),
      mini_batch_size_(options.mini_batch_size),
      max_grad_norm_(options.max_grad_norm),
      mnr_(options.mnr),
      optimizer_(parameters, options.optimizer),
      sync_(communicator, parameters, options.dist.bucket_megabytes << 20) {
  if (options.dist.global_negatives) mnr_.global_batch = &communicator;
}

StepTensors TrainStep::run(const PairBatch& batch, double learning_rate, bool with_norm) {
  StepTensors out;
  out.loss = mini_batch_size_ > 0 ? cached_mnr_backward(siamese_, batch, mnr_, mini_batch_size_)
                                  : mnr_backward(siamese_, batch, mnr_);
  sync_.average_gradients();
  if (max_grad_norm_ > 0 || with_norm) out.grad_norm = clip_grad_norm(adapter_, max_grad_norm_);
  out.applied = optimizer_.step(learning_rate);
  optimizer_.zero_grad();
  return out;
}

}  // namespace lacos
