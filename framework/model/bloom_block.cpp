#include "model/bloom_block.h"

namespace lacos {

BloomBlockImpl::BloomBlockImpl(const BloomConfig& config, const torch::TensorOptions& options,
                               const WeightFormat& format)
    : residual_from_layernorm_(config.apply_residual_connection_post_layernorm) {
  input_layernorm =
      register_module("input_layernorm", LayerNorm(config.hidden_size, config.layer_norm_epsilon, options));
  self_attention = register_module("self_attention", BloomAttention(config, options, format));
  post_attention_layernorm =
      register_module("post_attention_layernorm", LayerNorm(config.hidden_size, config.layer_norm_epsilon, options));
  mlp = register_module("mlp", BloomMlp(config, options, format));
}

torch::Tensor BloomBlockImpl::forward(const torch::Tensor& hidden, const torch::Tensor& bias) {
  const torch::Tensor attention_input = input_layernorm->forward(hidden);
  const torch::Tensor attended =
      self_attention->forward(attention_input, residual_from_layernorm_ ? attention_input : hidden, bias);
  const torch::Tensor mlp_input = post_attention_layernorm->forward(attended);
  return mlp->forward(mlp_input, residual_from_layernorm_ ? mlp_input : attended);
}

}  // namespace lacos
