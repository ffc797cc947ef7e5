// The additive attention bias shared by every layer of one forward pass: ALiBi plus the causal
// and padding mask. Built once per batch shape, not once per layer.
#pragma once

#include <torch/torch.h>

namespace lacos {

// [batch, n_head, seq, seq] in `dtype`: alibi + 0 where key j <= query i and key j is a real
// token, and a large negative finite value elsewhere (finite, so a fully masked padding row
// gives a uniform softmax instead of NaN).
torch::Tensor attention_bias(const torch::Tensor& attention_mask, const torch::Tensor& slopes, torch::ScalarType dtype);

}  // namespace lacos
