// Putting LoRA adapters on a BLOOM and freezing everything else.
#pragma once

#include "lora/lora_config.h"
#include "lora/lora_linear.h"
#include "model/bloom_model.h"

#include <string>
#include <utility>
#include <vector>

namespace lacos {

// Wraps every projection `config` targets in a LoraLinear, then freezes all parameters but the
// adapters'. `initialize`: PEFT's init from the global RNG (seed it first with torch::manual_seed),
// or zeros when weights will be loaded. Errors when nothing matches or adapters exist already.
void apply_lora(BloomModelImpl& model, const LoraConfig& config, bool initialize = true);

// The adapters of a model by projection name ("h.0.self_attention.query_key_value").
std::vector<std::pair<std::string, std::shared_ptr<LoraLinearImpl>>> lora_layers(BloomModelImpl& model);

// The trainable parameters (the adapters' A and B), named as in the model.
std::vector<std::pair<std::string, torch::Tensor>> trainable_parameters(BloomModelImpl& model);

void merge_lora(BloomModelImpl& model);
void unmerge_lora(BloomModelImpl& model);

}  // namespace lacos
