#include "model/bloom_attention.h"

#include "core/error.h"
#include "model/layer_factory.h"

#include <ATen/Context.h>

#include <atomic>
#include <cmath>
#include <cstdlib>

namespace lacos {

BloomAttentionImpl::BloomAttentionImpl(const BloomConfig& config, const torch::TensorOptions& options,
                                       const WeightFormat& format)
    : n_head_(config.n_head),
      head_dim_(config.head_dim()),
      attention_dropout_(config.attention_dropout),
      hidden_dropout_(config.hidden_dropout) {
  const std::int64_t hidden = config.hidden_size;
  query_key_value = register_module("query_key_value", make_projection(hidden, 3 * hidden, true, options, format));
  dense = register_module("dense", make_projection(hidden, hidden, true, options, format));
}

void BloomAttentionImpl::set_projection(const std::string& child, std::shared_ptr<ProjectionImpl> module) {
  if (child == "query_key_value") {
    query_key_value = replace_module(child, std::move(module));
  } else if (child == "dense") {
    dense = replace_module(child, std::move(module));
  } else {
    fail("self_attention has no projection '{}' (expected query_key_value or dense)", child);
  }
}

namespace {

std::atomic<int>& kernel_choice() {
  static std::atomic<int> choice = [] {
    const char* value = std::getenv("LACOS_ATTENTION");
    const std::string text = value != nullptr ? value : "";
    return static_cast<int>(text == "math"        ? AttentionKernel::math
                                : text == "fused" ? AttentionKernel::fused
                                                  : AttentionKernel::automatic);
  }();
  return choice;
}

// Fused everywhere by default: on the CPU, LibTorch's fused kernel (flash attention for CPUs,
// which takes the additive float bias) ran a training step's attention in 9.8 ms against the
// math path's 16.0 (32 x 12 heads x 64 tokens, 2 threads): part of lacos' lead over HF's eager
// BLOOM attention in docs/performance.md.
bool use_fused_attention() { return attention_kernel() != AttentionKernel::math; }

// The fused kernel is chosen on purpose, once: BLOOM's ALiBi bias is a float mask, which flash
// attention does not take, and cuDNN attention (which SDPA prefers on sm90 for such masks) gave NaN
// gradients with masks in LibTorch 2.11 (PyTorch issue 196678, L % 128 == 64). So on CUDA SDPA may
// use only the memory-efficient kernel (float32 accumulation, additive bias, a backward), and the
// math one as a fallback.
void choose_cuda_attention_kernels() {
  static const bool chosen = [] {
    at::globalContext().setSDPUseCuDNN(false);
    at::globalContext().setSDPUseFlash(false);
    at::globalContext().setSDPUseMemEfficient(true);
    at::globalContext().setSDPUseMath(true);
    return true;
  }();
  (void)chosen;
}

}  // namespace

void set_attention_kernel(AttentionKernel kernel) { kernel_choice() = static_cast<int>(kernel); }
AttentionKernel attention_kernel() { return static_cast<AttentionKernel>(kernel_choice().load()); }

torch::Tensor BloomAttentionImpl::forward(const torch::Tensor& hidden, const torch::Tensor& residual,
                                          const torch::Tensor& bias) {
  const std::int64_t batch = hidden.size(0);
  const std::int64_t seq = hidden.size(1);
  // [B, L, 3H] -> [B, L, n_head, 3, head_dim] -> q, k, v as [B, L, n_head, head_dim] views. unbind,
  // not three selects: its backward stacks the three gradients into one tensor, where each
  // select's backward fills a zero tensor of the fused size (6% of a tiny-4 step on the CPU).
  const std::vector<torch::Tensor> qkv =
      query_key_value->forward(hidden).view({batch, seq, n_head_, 3, head_dim_}).unbind(3);
  if (use_fused_attention()) {
    // One fused kernel (memory-efficient attention with an additive bias on CUDA, flash attention
    // for CPUs) instead of materialising the scores and float32 probabilities; it accumulates in
    // float32 and takes the heads as strided views.
    if (hidden.is_cuda()) choose_cuda_attention_kernels();
    const torch::Tensor context =
        at::scaled_dot_product_attention(qkv[0].transpose(1, 2), qkv[1].transpose(1, 2), qkv[2].transpose(1, 2),
                                         bias.reshape({batch, n_head_, seq, seq}),
                                         /*dropout_p=*/is_training() ? attention_dropout_ : 0.0, /*is_causal=*/false)
            .transpose(1, 2)
            .reshape({batch, seq, n_head_ * head_dim_});
    return torch::dropout(dense->forward(context), hidden_dropout_, is_training()) + residual;
  }

  const auto heads = [&](const torch::Tensor& part) {
    return part.permute({0, 2, 1, 3}).reshape({batch * n_head_, seq, head_dim_});
  };
  const torch::Tensor query = heads(qkv[0]);
  const torch::Tensor key = heads(qkv[1]);
  const torch::Tensor value = heads(qkv[2]);
  // scores = bias + q k^T / sqrt(head_dim), in the compute dtype, as HF's baddbmm.
  const torch::Tensor scores =
      torch::baddbmm(bias.reshape({batch * n_head_, seq, seq}), query, key.transpose(1, 2), /*beta=*/1.0,
                     /*alpha=*/1.0 / std::sqrt(static_cast<double>(head_dim_)));
  // Softmax in float32: bfloat16 exponentials lose too much to sum over long rows.
  torch::Tensor probs = torch::softmax(scores, -1, torch::kFloat32).to(hidden.scalar_type());
  probs = torch::dropout(probs, attention_dropout_, is_training());

  const torch::Tensor context = torch::bmm(probs, value)
                                    .view({batch, n_head_, seq, head_dim_})
                                    .permute({0, 2, 1, 3})
                                    .reshape({batch, seq, n_head_ * head_dim_});
  return torch::dropout(dense->forward(context), hidden_dropout_, is_training()) + residual;
}

}  // namespace lacos
