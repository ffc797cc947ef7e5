#include "lora/lora_config.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>

namespace lacos {

namespace {

bool suffix_match(const std::string& name, const std::string& target) {
  return name == target ||
      (name.size() > target.size() && name.compare(name.size() - target.size(), target.size(), target) == 0 &&
       name[name.size() - target.size() - 1] == '.');
}

// "h.12.mlp.dense_4h_to_h" -> 12; -1 when the name has no layer index.
std::int64_t layer_index(const std::string& name) {
  if (name.rfind("h.", 0) != 0) return -1;
  const std::size_t dot = name.find('.', 2);
  try {
    return std::stoll(name.substr(2, dot - 2));
  } catch (const std::exception&) {
    return -1;
  }
}

std::vector<std::string> string_list(const Json& value, const std::string& key, const std::string& origin) {
  std::vector<std::string> out;
  if (value.is_null()) return out;
  if (!value.is_array()) fail("{}: '{}' must be a list of module names", origin, key);
  for (const Json& item : value) {
    if (!item.is_string()) fail("{}: '{}' must hold strings, got {}", origin, key, item.dump());
    out.push_back(item.get<std::string>());
  }
  return out;
}

void require_unset(const Json& json, const std::string& key, const std::string& origin, const char* what) {
  auto it = json.find(key);
  if (it == json.end() || it->is_null()) return;
  const bool empty = (it->is_object() || it->is_array()) && it->empty();
  const bool is_false = it->is_boolean() && !it->get<bool>();
  const bool is_none = it->is_string() && it->get<std::string>() == "none";
  if (!empty && !is_false && !is_none) fail("{}: '{}' = {} is not supported ({})", origin, key, it->dump(), what);
}

}  // namespace

double LoraConfig::scaling() const {
  return use_rslora ? alpha / std::sqrt(static_cast<double>(r)) : alpha / static_cast<double>(r);
}

bool LoraConfig::targets(const std::string& name) const {
  const bool selected = target_regex ? target_regex->full_match(name)
                                     : std::any_of(target_modules.begin(), target_modules.end(),
                                                   [&](const std::string& t) { return suffix_match(name, t); });
  if (!selected) return false;
  if (std::any_of(exclude_modules.begin(), exclude_modules.end(),
                  [&](const std::string& t) { return suffix_match(name, t); })) {
    return false;
  }
  if (layers_to_transform.empty()) return true;
  return std::find(layers_to_transform.begin(), layers_to_transform.end(), layer_index(name)) !=
      layers_to_transform.end();
}

void LoraConfig::validate(const std::string& origin) const {
  if (r <= 0) fail("{}: LoRA rank r must be positive, got {}", origin, r);
  if (!(alpha > 0)) fail("{}: lora_alpha must be positive, got {}", origin, alpha);
  if (!(dropout >= 0 && dropout < 1)) fail("{}: lora_dropout must be in [0, 1), got {}", origin, dropout);
  if (target_modules.empty() && !target_regex) fail("{}: target_modules is empty", origin);
  if (base_model_class != "BloomModel" && base_model_class != "BloomForCausalLM") {
    fail("{}: base model class '{}' is not BloomModel or BloomForCausalLM", origin, base_model_class);
  }
}

LoraConfig LoraConfig::from_peft_json(const Json& json, const std::string& origin) {
  if (!json.is_object()) fail("{}: adapter config must be a JSON object", origin);
  const std::string type =
      json.contains("peft_type") && json["peft_type"].is_string() ? json["peft_type"].get<std::string>() : "";
  if (type != "LORA") fail("{}: peft_type is '{}', expected 'LORA'", origin, type);
  require_unset(json, "use_dora", origin, "DoRA");
  require_unset(json, "rank_pattern", origin, "per-module ranks");
  require_unset(json, "alpha_pattern", origin, "per-module alphas");
  require_unset(json, "bias", origin, "trained biases");
  require_unset(json, "lora_bias", origin, "trained biases");
  require_unset(json, "modules_to_save", origin, "fully trained extra modules");
  require_unset(json, "fan_in_fan_out", origin, "Conv1D-style weights; BLOOM uses Linear");
  require_unset(json, "layer_replication", origin, "layer replication");
  require_unset(json, "target_parameters", origin, "adapters on parameters");
  require_unset(json, "trainable_token_indices", origin, "trainable tokens");
  require_unset(json, "use_qalora", origin, "QA-LoRA");

  LoraConfig config;
  config.r = require_int(json, "r", origin);
  config.alpha = optional_number(json, "lora_alpha", 8.0, origin);  // PEFT's default
  config.dropout = optional_number(json, "lora_dropout", 0.0, origin);
  config.use_rslora = optional_bool(json, "use_rslora", false, origin);
  const Json& targets = require_key(json, "target_modules", origin);
  if (targets.is_string()) {
    config.target_regex = ModuleRegex(targets.get<std::string>(), origin);
    config.target_modules.clear();
  } else {
    config.target_modules = string_list(targets, "target_modules", origin);
  }
  if (json.contains("exclude_modules") && json["exclude_modules"].is_string()) {
    fail("{}: exclude_modules as a regex is not supported (give a list)", origin);
  }
  if (json.contains("exclude_modules"))
    config.exclude_modules = string_list(json["exclude_modules"], "exclude_modules", origin);
  if (json.contains("layers_to_transform") && !json["layers_to_transform"].is_null()) {
    const Json& layers = json["layers_to_transform"];
    if (layers.is_number_integer()) {
      config.layers_to_transform = {layers.get<std::int64_t>()};
    } else if (layers.is_array()) {
      for (const Json& layer : layers) {
        if (!layer.is_number_integer()) fail("{}: layers_to_transform must hold integers", origin);
        config.layers_to_transform.push_back(layer.get<std::int64_t>());
      }
    } else {
      fail("{}: layers_to_transform must be an integer or a list of integers", origin);
    }
  }
  config.validate(origin);
  return config;
}

Json LoraConfig::to_peft_json(const std::string& base_model_name_or_path) const {
  Json json = {
      {"peft_type", "LORA"},
      {"r", r},
      {"lora_alpha", alpha},
      {"lora_dropout", dropout},
      {"use_rslora", use_rslora},
      {"bias", "none"},
      {"fan_in_fan_out", false},
      {"init_lora_weights", true},
      {"inference_mode", true},
      {"use_dora", false},
      {"lora_bias", false},
      {"modules_to_save", nullptr},
      {"rank_pattern", Json::object()},
      {"alpha_pattern", Json::object()},
      {"task_type", nullptr},
      {"revision", nullptr},
      {"base_model_name_or_path", base_model_name_or_path},
      {"auto_mapping",
       {{"base_model_class", base_model_class}, {"parent_library", "transformers.models.bloom.modeling_bloom"}}}};
  json["target_modules"] = target_regex ? Json(target_regex->pattern()) : Json(target_modules);
  json["exclude_modules"] = exclude_modules.empty() ? Json(nullptr) : Json(exclude_modules);
  json["layers_to_transform"] = layers_to_transform.empty() ? Json(nullptr) : Json(layers_to_transform);
  return json;
}

}  // namespace lacos
