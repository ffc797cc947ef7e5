// A Linear layer with HF's parameter names (`weight` [out, in], `bias` [out]). Parameters are
// allocated uninitialised in the target dtype and device, so loading bloom-7b1 never builds a
// float32 copy first; random_init.h fills them when no checkpoint is loaded. forward is virtual
// so quantized and adapted variants can stand in for it.
#pragma once

#include <torch/torch.h>

namespace lacos {

class LinearImpl : public torch::nn::Module {
 public:
  LinearImpl(std::int64_t in_features, std::int64_t out_features, bool bias, const torch::TensorOptions& options);

  virtual torch::Tensor forward(const torch::Tensor& input);

  std::int64_t in_features() const { return in_features_; }
  std::int64_t out_features() const { return out_features_; }

  torch::Tensor weight;
  torch::Tensor bias;  // undefined when built without bias

 private:
  std::int64_t in_features_;
  std::int64_t out_features_;
};
TORCH_MODULE(Linear);

}  // namespace lacos
