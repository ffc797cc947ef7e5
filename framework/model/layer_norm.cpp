#include "model/layer_norm.h"

namespace lacos {

LayerNormImpl::LayerNormImpl(std::int64_t size, double eps, const torch::TensorOptions& options)
    : size_(size), eps_(eps) {
  weight = register_parameter("weight", torch::ones({size}, options));
  bias = register_parameter("bias", torch::zeros({size}, options));
}

torch::Tensor LayerNormImpl::forward(const torch::Tensor& input) {
  return torch::layer_norm(input, {size_}, weight, bias, eps_);
}

}  // namespace lacos
