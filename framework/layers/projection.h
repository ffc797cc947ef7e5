// The interface every linear map of BLOOM implements: a dense float Linear (model/linear.h), an int8
// frozen Linear (quant/int8_linear.h) or a LoRA-adapted wrapper around either
// (lora/lora_linear.h). Blocks hold their projections through this type, so quantizing or
// adapting a layer swaps the module without touching the block's code.
#pragma once

#include <torch/torch.h>

namespace lacos {

class ProjectionImpl : public torch::nn::Module {
 public:
  ~ProjectionImpl() override = default;
  virtual torch::Tensor forward(const torch::Tensor& input) = 0;
  virtual std::int64_t in_features() const = 0;
  virtual std::int64_t out_features() const = 0;
};

}  // namespace lacos
