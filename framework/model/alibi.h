// ALiBi: BLOOM has no position embeddings; each head adds slope x (key position) to its
// attention scores. Positions count real tokens only (cumsum of the attention mask), so left and
// right padding give the same scores on real tokens.
#pragma once

#include <torch/torch.h>

namespace lacos {

// Per-head slopes, float32 [n_head]. For n = 2^k heads: base^1..base^n with
// base = 2^(-8/n). Otherwise the 2^k = closest lower power of two get those slopes, and the
// remaining n - 2^k heads take every other slope (odd powers) of the 2^(k+1) sequence.
torch::Tensor alibi_slopes(std::int64_t n_head);

// ALiBi term, float32 [batch, n_head, 1, seq]: slope x position, position = (cumsum(mask) - 1)
// on real tokens and 0 on padding. `attention_mask`: [batch, seq], 1 = real token.
torch::Tensor alibi_bias(const torch::Tensor& attention_mask, const torch::Tensor& slopes);

}  // namespace lacos
