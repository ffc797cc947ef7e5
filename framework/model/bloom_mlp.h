// BLOOM's feed-forward block: dense_h_to_4h -> tanh-approximated GELU -> dense_4h_to_h, plus
// the residual (added here, as in HF).
#pragma once

#include "layers/projection.h"
#include "model/bloom_config.h"
#include "quant/weight_format.h"

#include <torch/torch.h>

namespace lacos {

class BloomMlpImpl : public torch::nn::Module {
 public:
  BloomMlpImpl(const BloomConfig& config, const torch::TensorOptions& options, const WeightFormat& format = {});
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& residual);

  // Swaps the module behind `dense_h_to_4h` or `dense_4h_to_h`.
  void set_projection(const std::string& child, std::shared_ptr<ProjectionImpl> module);

  std::shared_ptr<ProjectionImpl> dense_h_to_4h;
  std::shared_ptr<ProjectionImpl> dense_4h_to_h;

 private:
  double hidden_dropout_;
};
TORCH_MODULE(BloomMlp);

}  // namespace lacos
