// BLOOM self-attention: a fused query_key_value projection whose 3 x hidden outputs are laid out
// per head as [head][q, k, v][head_dim], ALiBi + mask as an additive bias, softmax in float32,
// and the output projection `dense`. The residual is added here, as in HF. With LibTorch 2.x on
// CUDA the scores, softmax and weighted sum run as one scaled_dot_product_attention call with the
// same additive bias (LACOS_ATTENTION=math selects the explicit path there too).
#pragma once

#include "layers/projection.h"
#include "model/bloom_config.h"
#include "quant/weight_format.h"

#include <torch/torch.h>

namespace lacos {

// How attention is computed: the explicit path (baddbmm + float32 softmax, as HF), or one fused
// scaled_dot_product_attention call (on CUDA restricted to the memory-efficient kernel, see
// bloom_attention.cpp; on the CPU LibTorch's flash kernel for CPUs). `automatic`: fused on every
// device (on the CPU since issue 14, measured faster there too). Process-wide; the
// environment's LACOS_ATTENTION=math|fused sets it at start.
enum class AttentionKernel { automatic, math, fused };
void set_attention_kernel(AttentionKernel kernel);
AttentionKernel attention_kernel();

class BloomAttentionImpl : public torch::nn::Module {
 public:
  BloomAttentionImpl(const BloomConfig& config, const torch::TensorOptions& options, const WeightFormat& format = {});

  // hidden: [B, L, H]; residual: [B, L, H]; bias: [B, n_head, L, L] (attention_bias.h).
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& residual, const torch::Tensor& bias);

  // Swaps the module behind `query_key_value` or `dense` (quantizing or adapting it).
  void set_projection(const std::string& child, std::shared_ptr<ProjectionImpl> module);

  std::shared_ptr<ProjectionImpl> query_key_value;
  std::shared_ptr<ProjectionImpl> dense;

 private:
  std::int64_t n_head_;
  std::int64_t head_dim_;
  double attention_dropout_;
  double hidden_dropout_;
};
TORCH_MODULE(BloomAttention);

}  // namespace lacos
