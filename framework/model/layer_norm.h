// LayerNorm over the last dimension with HF's parameter names (`weight`, `bias`), allocated in
// the target dtype (see linear.h).
#pragma once

#include <torch/torch.h>

namespace lacos {

class LayerNormImpl : public torch::nn::Module {
 public:
  LayerNormImpl(std::int64_t size, double eps, const torch::TensorOptions& options);
  torch::Tensor forward(const torch::Tensor& input);

  torch::Tensor weight;
  torch::Tensor bias;

 private:
  std::int64_t size_;
  double eps_;
};
TORCH_MODULE(LayerNorm);

}  // namespace lacos
