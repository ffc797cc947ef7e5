#include "model/layer_factory.h"

#include "model/embedding.h"
#include "model/linear.h"
#include "quant/int8_embedding.h"
#include "quant/int8_linear.h"

namespace lacos {

std::shared_ptr<ProjectionImpl> make_projection(std::int64_t in_features, std::int64_t out_features, bool bias,
                                                const torch::TensorOptions& options, const WeightFormat& format) {
  if (format.int8) return std::make_shared<Int8LinearImpl>(in_features, out_features, bias, format.block_size, options);
  return std::make_shared<LinearImpl>(in_features, out_features, bias, options);
}

std::shared_ptr<TokenEmbeddingImpl> make_token_embedding(std::int64_t count, std::int64_t dim,
                                                         const torch::TensorOptions& options,
                                                         const WeightFormat& format) {
  if (format.int8) return std::make_shared<Int8EmbeddingImpl>(count, dim, options);
  return std::make_shared<EmbeddingImpl>(count, dim, options);
}

}  // namespace lacos
