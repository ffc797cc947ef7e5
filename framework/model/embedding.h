// The float word-embedding table (`weight` [vocab, hidden]), allocated in the target dtype.
#pragma once

#include "layers/token_embedding.h"

namespace lacos {

class EmbeddingImpl : public TokenEmbeddingImpl {
 public:
  EmbeddingImpl(std::int64_t count, std::int64_t dim, const torch::TensorOptions& options);
  torch::Tensor forward(const torch::Tensor& ids) override;

  torch::Tensor weight;
};

}  // namespace lacos
