#include "model/bloom_attention.h"

#include "core/error.h"
#include "model/layer_factory.h"

#include <cmath>

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

torch::Tensor BloomAttentionImpl::forward(const torch::Tensor& hidden, const torch::Tensor& residual,
                                          const torch::Tensor& bias) {
  const std::int64_t batch = hidden.size(0);
  const std::int64_t seq = hidden.size(1);
  // [B, L, 3H] -> [B, L, n_head, 3, head_dim] -> q, k, v as [B * n_head, L, head_dim].
  const torch::Tensor fused = query_key_value->forward(hidden).view({batch, seq, n_head_, 3, head_dim_});
  const auto heads = [&](int which) {
    return fused.select(3, which).permute({0, 2, 1, 3}).reshape({batch * n_head_, seq, head_dim_});
  };
  const torch::Tensor query = heads(0);
  const torch::Tensor key = heads(1);
  const torch::Tensor value = heads(2);

  // scores = bias + q k^T / sqrt(head_dim), in the compute dtype, as HF's baddbmm.
  const torch::Tensor scores = torch::baddbmm(bias.reshape({batch * n_head_, seq, seq}), query,
                                              key.transpose(1, 2), /*beta=*/1.0,
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
