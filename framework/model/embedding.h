// The word-embedding table (`weight` [vocab, hidden]), allocated in the target dtype.
#pragma once

#include <torch/torch.h>

namespace lacos {

class EmbeddingImpl : public torch::nn::Module {
 public:
  EmbeddingImpl(std::int64_t count, std::int64_t dim, const torch::TensorOptions& options);
  // `ids`: int64 of any shape; returns [..., dim].
  virtual torch::Tensor forward(const torch::Tensor& ids);

  torch::Tensor weight;
};
TORCH_MODULE(Embedding);

}  // namespace lacos
