#include "model/embedding.h"

namespace lacos {

EmbeddingImpl::EmbeddingImpl(std::int64_t count, std::int64_t dim, const torch::TensorOptions& options) {
  weight = register_parameter("weight", torch::empty({count, dim}, options));
}

torch::Tensor EmbeddingImpl::forward(const torch::Tensor& ids) { return torch::embedding(weight, ids); }

}  // namespace lacos
