// Every weight of a model in one list, in module order, whether it is a plain parameter or a
// StoredWeight: what loading, random initialisation and writing iterate over, so float and int8
// models see the same weights in the same order (the same seed gives the same model).
#pragma once

#include "layers/stored_weight.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace lacos {

struct WeightTarget {
  std::string name;                // HF name, e.g. "h.0.self_attention.query_key_value.weight"
  torch::Tensor parameter;         // set for plain parameters
  StoredWeight* stored = nullptr;  // set for stored (quantized) weights

  std::vector<std::int64_t> shape() const;
};

std::vector<WeightTarget> weight_targets(torch::nn::Module& model);

}  // namespace lacos
