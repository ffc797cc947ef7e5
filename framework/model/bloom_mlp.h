// BLOOM's feed-forward block: dense_h_to_4h -> tanh-approximated GELU -> dense_4h_to_h, plus
// the residual (added here, as in HF).
#pragma once

#include "model/bloom_config.h"
#include "model/linear.h"

#include <torch/torch.h>

namespace lacos {

class BloomMlpImpl : public torch::nn::Module {
 public:
  BloomMlpImpl(const BloomConfig& config, const torch::TensorOptions& options);
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& residual);

  std::shared_ptr<LinearImpl> dense_h_to_4h;
  std::shared_ptr<LinearImpl> dense_4h_to_h;

 private:
  double hidden_dropout_;
};
TORCH_MODULE(BloomMlp);

}  // namespace lacos
