// A dense Linear layer with HF's parameter names (`weight` [out, in], `bias` [out]). Parameters
// are allocated uninitialised in the target dtype and device, so loading bloom-7b1 never builds a
// float32 copy first; random_init.h fills them when no checkpoint is loaded.
#pragma once

#include "layers/projection.h"

namespace lacos {

class LinearImpl : public ProjectionImpl {
 public:
  LinearImpl(std::int64_t in_features, std::int64_t out_features, bool bias, const torch::TensorOptions& options);

  torch::Tensor forward(const torch::Tensor& input) override;
  std::int64_t in_features() const override { return weight.size(1); }
  std::int64_t out_features() const override { return weight.size(0); }

  torch::Tensor weight;
  torch::Tensor bias;  // undefined when built without bias
};

}  // namespace lacos
