// BLOOM self-attention: a fused query_key_value projection whose 3 x hidden outputs are laid out
// per head as [head][q, k, v][head_dim], ALiBi + mask as an additive bias, softmax in float32,
// and the output projection `dense`. The residual is added here, as in HF.
#pragma once

#include "model/bloom_config.h"
#include "model/linear.h"

#include <torch/torch.h>

namespace lacos {

class BloomAttentionImpl : public torch::nn::Module {
 public:
  BloomAttentionImpl(const BloomConfig& config, const torch::TensorOptions& options);

  // hidden: [B, L, H]; residual: [B, L, H]; bias: [B, n_head, L, L] (attention_bias.h).
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& residual, const torch::Tensor& bias);

  std::shared_ptr<LinearImpl> query_key_value;
  std::shared_ptr<LinearImpl> dense;

 private:
  std::int64_t n_head_;
  std::int64_t head_dim_;
  double attention_dropout_;
  double hidden_dropout_;
};
TORCH_MODULE(BloomAttention);

}  // namespace lacos
