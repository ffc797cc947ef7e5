#include "model/bloom_mlp.h"

namespace lacos {

BloomMlpImpl::BloomMlpImpl(const BloomConfig& config, const torch::TensorOptions& options)
    : hidden_dropout_(config.hidden_dropout) {
  const std::int64_t hidden = config.hidden_size;
  dense_h_to_4h = register_module("dense_h_to_4h", std::make_shared<LinearImpl>(hidden, 4 * hidden, true, options));
  dense_4h_to_h = register_module("dense_4h_to_h", std::make_shared<LinearImpl>(4 * hidden, hidden, true, options));
}

torch::Tensor BloomMlpImpl::forward(const torch::Tensor& hidden, const torch::Tensor& residual) {
  // BLOOM's GELU is the tanh approximation x/2 (1 + tanh(0.79788456 x (1 + 0.044715 x^2))).
  const torch::Tensor activated = torch::gelu(dense_h_to_4h->forward(hidden), "tanh");
  return torch::dropout(dense_4h_to_h->forward(activated), hidden_dropout_, is_training()) + residual;
}

}  // namespace lacos
