// LoRA settings, and their PEFT `adapter_config.json` form.
#pragma once

#include "core/json_file.h"
#include "lora/module_regex.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lacos {

struct LoraConfig {
  std::int64_t r = 8;
  double alpha = 16.0;
  double dropout = 0.0;  // on the adapter's input
  // Module names, matched as PEFT does: a list entry matches a module whose name equals it or
  // ends with "." + it; `target_regex`, when set, must match the whole name instead.
  std::vector<std::string> target_modules = {"query_key_value"};
  std::optional<ModuleRegex> target_regex;
  std::vector<std::string> exclude_modules;
  std::vector<std::int64_t> layers_to_transform;  // empty: every layer
  bool use_rslora = false;                        // scaling alpha / sqrt(r) instead of alpha / r
  // The transformers class PEFT puts the adapter on, which fixes its key names: "BloomModel"
  // (`base_model.model.h.N...`; sentence-transformers' AutoModel) or "BloomForCausalLM"
  // (`base_model.model.transformer.h.N...`). PEFT loads keys of the other form onto nothing
  // (with only a warning), so an adapter is saved in the form its users load the base with.
  std::string base_model_class = "BloomModel";

  double scaling() const;
  // True when the projection `name` (e.g. "h.3.self_attention.query_key_value") gets an adapter.
  bool targets(const std::string& name) const;
  void validate(const std::string& origin) const;

  // PEFT's adapter_config.json; settings PEFT has and lacos does not implement (DoRA, rank or
  // alpha patterns, bias training, modules_to_save, ...) are errors naming the key.
  static LoraConfig from_peft_json(const Json& json, const std::string& origin);
  Json to_peft_json(const std::string& base_model_name_or_path) const;
};

}  // namespace lacos
