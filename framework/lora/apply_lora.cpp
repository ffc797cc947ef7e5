#include "lora/apply_lora.h"

#include "core/error.h"

#include <fmt/ranges.h>

#include <algorithm>

namespace lacos {

void apply_lora(BloomModelImpl& model, const LoraConfig& config, bool initialize) {
  config.validate("LoRA config");
  if (!lora_layers(model).empty()) fail("the model already has LoRA adapters");
  std::vector<std::string> available;
  int wrapped = 0;
  for (auto& slot : model.projections()) {
    available.push_back(slot.child);
    if (!config.targets(slot.name)) continue;
    // Checked before anything is allocated: a rank above the smaller side of the projection adds
    // nothing a full-rank update would not, and r = 10^9 from a file must not allocate 10^9 rows.
    const std::int64_t limit = std::min(slot.module->in_features(), slot.module->out_features());
    if (config.r > limit) {
      fail("LoRA rank r={} exceeds what projection '{}' ({} -> {}) can use (at most {})", config.r, slot.name,
           slot.module->in_features(), slot.module->out_features(), limit);
    }
    slot.replace(std::make_shared<LoraLinearImpl>(slot.module, config.r, config.scaling(), config.dropout,
                                                  model.device(), initialize));
    ++wrapped;
  }
  if (wrapped == 0) {
    const std::string targets = fmt::format("{}", fmt::join(config.target_modules, ", "));
    fail(
        "LoRA target_modules [{}] match no BLOOM projection (expected query_key_value, dense, dense_h_to_4h or "
        "dense_4h_to_h)",
        config.target_regex ? config.target_regex->pattern() : targets);
  }
  for (auto& item : model.named_parameters()) {
    item.value().set_requires_grad(item.key().find(".lora_") != std::string::npos);
  }
}

std::vector<std::pair<std::string, std::shared_ptr<LoraLinearImpl>>> lora_layers(BloomModelImpl& model) {
  std::vector<std::pair<std::string, std::shared_ptr<LoraLinearImpl>>> layers;
  for (auto& slot : model.projections()) {
    if (auto lora = std::dynamic_pointer_cast<LoraLinearImpl>(slot.module)) layers.emplace_back(slot.name, lora);
  }
  return layers;
}

std::vector<std::pair<std::string, torch::Tensor>> trainable_parameters(BloomModelImpl& model) {
  std::vector<std::pair<std::string, torch::Tensor>> parameters;
  for (const auto& item : model.named_parameters()) {
    if (item.value().requires_grad()) parameters.emplace_back(item.key(), item.value());
  }
  return parameters;
}

void merge_lora(BloomModelImpl& model) {
  for (auto& [name, layer] : lora_layers(model)) layer->merge();
}

void unmerge_lora(BloomModelImpl& model) {
  for (auto& [name, layer] : lora_layers(model)) layer->unmerge();
}

}  // namespace lacos
