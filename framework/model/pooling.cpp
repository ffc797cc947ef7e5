#include "model/pooling.h"

#include "core/error.h"

namespace lacos {

Pooling parse_pooling(const std::string& name, const std::string& key) {
  if (name == "mean") return Pooling::Mean;
  if (name == "weightedmean") return Pooling::WeightedMean;
  if (name == "lasttoken") return Pooling::LastToken;
  fail("{}: unknown pooling '{}' (expected mean, weightedmean or lasttoken)", key, name);
}

std::string pooling_name(Pooling pooling) {
  switch (pooling) {
    case Pooling::Mean: return "mean";
    case Pooling::WeightedMean: return "weightedmean";
    case Pooling::LastToken: return "lasttoken";
  }
  return "?";
}

torch::Tensor pool(const torch::Tensor& hidden, const torch::Tensor& attention_mask, Pooling pooling) {
  const torch::Tensor states = hidden.to(torch::kFloat32);
  const torch::Tensor mask = attention_mask.to(states.device()).to(torch::kFloat32);  // [B, L]
  torch::Tensor weights;
  switch (pooling) {
    case Pooling::Mean: weights = mask; break;
    case Pooling::WeightedMean: weights = mask.cumsum(1) * mask; break;
    case Pooling::LastToken: {
      // One-hot on the last real position (the largest index with mask 1).
      const torch::Tensor positions = torch::arange(mask.size(1), mask.options()).unsqueeze(0) * mask;
      const torch::Tensor last = positions.argmax(1, /*keepdim=*/true);
      weights = torch::zeros_like(mask).scatter_(1, last, 1.0) * mask;
      break;
    }
  }
  // where() rather than a product, so anything non-finite at padded positions cannot leak in.
  const torch::Tensor real = weights.unsqueeze(-1) > 0;
  const torch::Tensor summed =
      torch::where(real, states * weights.unsqueeze(-1), torch::zeros({}, states.options())).sum(1);
  return summed / weights.sum(1, /*keepdim=*/true).clamp_min(1e-9);
}

}  // namespace lacos
