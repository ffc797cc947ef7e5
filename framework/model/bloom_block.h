// One BLOOM transformer block (pre-LN):
//   ln1 = input_layernorm(x);            x = attention(ln1) + (post_ln_residual ? ln1 : x)
//   ln2 = post_attention_layernorm(x);   x = mlp(ln2) + (post_ln_residual ? ln2 : x)
// apply_residual_connection_post_layernorm only changes which tensor is added back.
#pragma once

#include "model/bloom_attention.h"
#include "model/bloom_config.h"
#include "model/bloom_mlp.h"
#include "model/layer_norm.h"

#include <torch/torch.h>

namespace lacos {

class BloomBlockImpl : public torch::nn::Module {
 public:
  BloomBlockImpl(const BloomConfig& config, const torch::TensorOptions& options, const WeightFormat& format = {});
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& bias);

  LayerNorm input_layernorm{nullptr};
  BloomAttention self_attention{nullptr};
  LayerNorm post_attention_layernorm{nullptr};
  BloomMlp mlp{nullptr};

 private:
  bool residual_from_layernorm_;
};
TORCH_MODULE(BloomBlock);

}  // namespace lacos
