#include "model/bloom_mlp.h"

#include "core/error.h"
#include "model/layer_factory.h"

namespace lacos {

BloomMlpImpl::BloomMlpImpl(const BloomConfig& config, const torch::TensorOptions& options, const WeightFormat& format)
    : hidden_dropout_(config.hidden_dropout) {
  const std::int64_t hidden = config.hidden_size;
  dense_h_to_4h = register_module("dense_h_to_4h", make_projection(hidden, 4 * hidden, true, options, format));
  dense_4h_to_h = register_module("dense_4h_to_h", make_projection(4 * hidden, hidden, true, options, format));
}

void BloomMlpImpl::set_projection(const std::string& child, std::shared_ptr<ProjectionImpl> module) {
  if (child == "dense_h_to_4h") {
    dense_h_to_4h = replace_module(child, std::move(module));
  } else if (child == "dense_4h_to_h") {
    dense_4h_to_h = replace_module(child, std::move(module));
  } else {
    fail("mlp has no projection '{}' (expected dense_h_to_4h or dense_4h_to_h)", child);
  }
}

torch::Tensor BloomMlpImpl::forward(const torch::Tensor& hidden, const torch::Tensor& residual) {
  // BLOOM's GELU is the tanh approximation x/2 (1 + tanh(0.79788456 x (1 + 0.044715 x^2))).
  const torch::Tensor activated = torch::gelu(dense_h_to_4h->forward(hidden), "tanh");
  return torch::dropout(dense_4h_to_h->forward(activated), hidden_dropout_, is_training()) + residual;
}

}  // namespace lacos
