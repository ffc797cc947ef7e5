// LoRA adapters in PEFT's folder format: adapter_config.json + adapter_model.safetensors, with
// keys `base_model.model.h.N.<...>.lora_A.weight` (adapter on a BloomModel) or
// `base_model.model.transformer.h.N.<...>` (on a BloomForCausalLM). Both are read; the form of
// LoraConfig::base_model_class is written (and a loaded adapter keeps the form it came in).
#pragma once

#include "lora/lora_config.h"
#include "model/bloom_model.h"

#include <filesystem>

namespace lacos {

LoraConfig read_adapter_config(const std::filesystem::path& folder);

// Reads the folder's config, puts adapters on `model` (apply_lora without init) and loads their
// weights. Missing, unexpected or wrongly shaped tensors are errors naming the tensor.
LoraConfig load_adapter(BloomModelImpl& model, const std::filesystem::path& folder);

// Writes the model's adapters (unmerged values) and `config` as a PEFT folder.
void save_adapter(BloomModelImpl& model, const LoraConfig& config, const std::filesystem::path& folder,
                  const std::string& base_model_name_or_path);

}  // namespace lacos
