// The interface of BLOOM's word-embedding table: float (model/embedding.h) or int8
// (quant/int8_embedding.h).
#pragma once

#include <torch/torch.h>

namespace lacos {

class TokenEmbeddingImpl : public torch::nn::Module {
 public:
  ~TokenEmbeddingImpl() override = default;
  // `ids`: int64 of any shape; returns [..., dim] in the model's compute dtype.
  virtual torch::Tensor forward(const torch::Tensor& ids) = 0;
};

}  // namespace lacos
