// Sentence embeddings from token states.
//   mean:         mean over real tokens (sentence-transformers' default)
//   weightedmean: SGPT's position-weighted mean, weight = 1-based position among real tokens
//   lasttoken:    the state of the last real token
// All three read positions from the attention mask, so left and right padding agree, and
// compute in float32 whatever the model's dtype.
#pragma once

#include <torch/torch.h>

#include <string>

namespace lacos {

enum class Pooling { Mean, WeightedMean, LastToken };

Pooling parse_pooling(const std::string& name, const std::string& key = "--pooling");
std::string pooling_name(Pooling pooling);

// hidden: [B, L, H]; attention_mask: [B, L] (1 = real). Returns float32 [B, H]. A row without
// real tokens pools to zeros.
torch::Tensor pool(const torch::Tensor& hidden, const torch::Tensor& attention_mask, Pooling pooling);

}  // namespace lacos
