#include "model/weight_targets.h"

namespace lacos {

std::vector<std::int64_t> WeightTarget::shape() const {
  return stored != nullptr ? stored->weight_shape() : parameter.sizes().vec();
}

std::vector<WeightTarget> weight_targets(torch::nn::Module& model) {
  std::vector<WeightTarget> targets;
  for (const auto& item : model.named_modules(/*name_prefix=*/"", /*include_self=*/true)) {
    const std::string prefix = item.key().empty() ? "" : item.key() + ".";
    // A stored weight comes first, where a Linear registers `weight` before `bias`.
    if (auto* stored = dynamic_cast<StoredWeight*>(item.value().get())) {
      targets.push_back({prefix + "weight", torch::Tensor(), stored});
    }
    for (const auto& parameter : item.value()->named_parameters(/*recurse=*/false)) {
      targets.push_back({prefix + parameter.key(), parameter.value(), nullptr});
    }
  }
  return targets;
}

}  // namespace lacos
