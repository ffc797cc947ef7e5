#include "lora/peft_adapter.h"

#include "core/error.h"
#include "core/path_status.h"
#include "io/torch_safetensors.h"
#include "lora/apply_lora.h"

#include <map>

namespace lacos {

namespace fs = std::filesystem;

namespace {

constexpr const char* kConfigFile = "adapter_config.json";
constexpr const char* kWeightsFile = "adapter_model.safetensors";
const std::string kPeftPrefix = "base_model.model.";

std::string shape_text(const torch::Tensor& tensor) { return c10::str(tensor.sizes()); }

// "base_model.model.[transformer.]h.0.....lora_A.weight" -> "h.0.....lora_A.weight"; "" otherwise.
std::string name_without_peft_prefix(const std::string& key) {
  if (key.rfind(kPeftPrefix, 0) != 0) return "";
  std::string name = key.substr(kPeftPrefix.size());
  if (name.rfind("transformer.", 0) == 0) name = name.substr(12);
  return name;
}

}  // namespace

LoraConfig read_adapter_config(const fs::path& folder) {
  if (!is_folder(folder)) fail("{}: adapter folder not found", folder.string());
  const fs::path path = folder / kConfigFile;
  if (!path_exists(path)) fail("{}: {} not found in the adapter folder", folder.string(), kConfigFile);
  return LoraConfig::from_peft_json(read_json_file(path), path.string());
}

LoraConfig load_adapter(BloomModelImpl& model, const fs::path& folder) {
  LoraConfig config = read_adapter_config(folder);
  const fs::path weights = folder / kWeightsFile;
  if (!path_exists(weights)) {
    if (path_exists(folder / "adapter_model.bin")) {
      fail(
          "{}: only a pickle adapter_model.bin is here; lacos reads {} (convert with PEFT's "
          "save_pretrained(..., safe_serialization=True))",
          folder.string(), kWeightsFile);
    }
    fail("{}: {} not found in the adapter folder", folder.string(), kWeightsFile);
  }
  const auto tensors = load_safetensors(weights);  // adapters are small: read whole
  // The rank the weights were saved with must be the configuration's, before adapters of that rank
  // are allocated.
  for (const auto& [key, tensor] : tensors) {
    if (key.find(".lora_A.") != std::string::npos && (tensor.dim() != 2 || tensor.size(0) != config.r)) {
      fail("{}: tensor '{}' has shape {}, but {} gives rank r={} (expected [{}, in_features])", weights.string(), key,
           shape_text(tensor), kConfigFile, config.r, config.r);
    }
  }
  apply_lora(model, config, /*initialize=*/false);
  std::map<std::string, torch::Tensor> targets;
  for (auto& [name, parameter] : trainable_parameters(model)) targets.emplace(name, parameter);

  torch::NoGradGuard no_grad;
  std::size_t loaded = 0, causal_lm_keys = 0;
  for (const auto& [key, tensor] : tensors) {
    const std::string name = name_without_peft_prefix(key);
    if (key.rfind(kPeftPrefix + "transformer.", 0) == 0) ++causal_lm_keys;
    auto target = targets.find(name);
    if (target == targets.end()) {
      fail(
          "{}: tensor '{}' is not an adapter weight of this model (expected keys like "
          "'base_model.model.h.0.self_attention.query_key_value.lora_A.weight' for the targets in {})",
          weights.string(), key, kConfigFile);
    }
    if (!tensor.sizes().equals(target->second.sizes())) {
      fail("{}: tensor '{}' has shape {} but the base model needs {} (adapter made for another base model?)",
           weights.string(), key, shape_text(tensor), shape_text(target->second));
    }
    target->second.copy_(tensor);
    ++loaded;
  }
  if (loaded != targets.size()) {
    for (const auto& [name, parameter] : targets) {
      if (tensors.count(kPeftPrefix + name) == 0 && tensors.count(kPeftPrefix + "transformer." + name) == 0) {
        fail("{}: adapter weight '{}{}' is missing ({} of {} present)", weights.string(), kPeftPrefix, name, loaded,
             targets.size());
      }
    }
  }
  // Saved again, the adapter keeps the key form it came in.
  config.base_model_class = causal_lm_keys > 0 ? "BloomForCausalLM" : "BloomModel";
  return config;
}

void save_adapter(BloomModelImpl& model, const LoraConfig& config, const fs::path& folder,
                  const std::string& base_model_name_or_path) {
  const auto layers = lora_layers(model);
  if (layers.empty()) fail("the model has no LoRA adapters to save");
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) fail("{}: cannot create adapter folder: {}", folder.string(), error.message());
  config.validate("save_adapter");
  const std::string prefix = kPeftPrefix + (config.base_model_class == "BloomForCausalLM" ? "transformer." : "");
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& [name, layer] : layers) {
    tensors.emplace_back(prefix + name + ".lora_A.weight", layer->lora_A().detach().to(torch::kFloat32));
    tensors.emplace_back(prefix + name + ".lora_B.weight", layer->lora_B().detach().to(torch::kFloat32));
  }
  save_safetensors(folder / kWeightsFile, tensors, {{"format", "pt"}});
  write_json_file(folder / kConfigFile, config.to_peft_json(base_model_name_or_path));
}

}  // namespace lacos
