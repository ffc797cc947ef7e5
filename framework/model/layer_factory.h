// The one place that decides which module implements a BLOOM layer for a weight format.
#pragma once

#include "layers/projection.h"
#include "layers/token_embedding.h"
#include "quant/weight_format.h"

#include <memory>

namespace lacos {

std::shared_ptr<ProjectionImpl> make_projection(std::int64_t in_features, std::int64_t out_features, bool bias,
                                                const torch::TensorOptions& options, const WeightFormat& format);

std::shared_ptr<TokenEmbeddingImpl> make_token_embedding(std::int64_t count, std::int64_t dim,
                                                         const torch::TensorOptions& options,
                                                         const WeightFormat& format);

}  // namespace lacos
