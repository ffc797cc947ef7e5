#include "model/checkpoint_loader.h"

#include "core/dtype.h"
#include "core/error.h"
#include "core/json_file.h"
#include "core/path_status.h"
#include "io/torch_safetensors.h"
#include "model/weight_targets.h"

#include <fmt/ranges.h>
#include <map>
#include <set>

namespace lacos {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSingleFile = "model.safetensors";
constexpr const char* kIndexFile = "model.safetensors.index.json";

[[noreturn]] void refuse_pickle(const fs::path& folder, const fs::path& found) {
  fail(
      "{}: only a pickle checkpoint ({}) is here, and lacos reads safetensors only (pickle files can run "
      "code when loaded). Convert it once with Python: python -c \"from transformers import AutoModel; "
      "AutoModel.from_pretrained('{}').save_pretrained('{}', safe_serialization=True)\"",
      folder.string(), found.filename().string(), folder.string(), (folder.string() + "-safetensors"));
}

std::string shape_text(const std::vector<std::int64_t>& shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }

// BloomForCausalLM names its transformer `transformer.`; BloomModel has no prefix.
std::string model_name(const std::string& checkpoint_name) {
  static const std::string prefix = "transformer.";
  return checkpoint_name.rfind(prefix, 0) == 0 ? checkpoint_name.substr(prefix.size()) : checkpoint_name;
}

// The index's weight_map: tensor name -> shard file name.
std::map<std::string, std::string> read_weight_map(const fs::path& index_path) {
  const Json index = read_json_file(index_path);
  const Json& weight_map = require_key(index, "weight_map", index_path.string());
  if (!weight_map.is_object()) fail("{}: 'weight_map' must be an object of tensor -> shard file", index_path.string());
  std::map<std::string, std::string> result;
  for (const auto& [name, file] : weight_map.items()) {
    if (!file.is_string()) fail("{}: weight_map['{}'] must be a file name", index_path.string(), name);
    const std::string shard = file.get<std::string>();
    if (shard.find('/') != std::string::npos || shard == ".." || shard.empty()) {
      fail("{}: weight_map['{}'] = '{}' must be a plain file name in the same folder", index_path.string(), name,
           shard);
    }
    result[name] = shard;
  }
  return result;
}

}  // namespace

CheckpointLayout find_checkpoint(const fs::path& folder) {
  if (!is_folder(folder)) fail("{}: model folder not found", folder.string());
  CheckpointLayout layout;
  if (path_exists(folder / kIndexFile)) {
    layout.weight_map = read_weight_map(folder / kIndexFile);
    std::set<std::string> shards;  // sorted: model-00001-of-000NN first
    for (const auto& [name, shard] : layout.weight_map) shards.insert(shard);
    for (const std::string& shard : shards) layout.files.push_back(folder / shard);
    for (const fs::path& shard : layout.files) {
      if (!path_exists(shard)) {
        fail("{}: shard '{}' listed in {} is missing", folder.string(), shard.filename().string(), kIndexFile);
      }
    }
    return layout;
  }
  if (path_exists(folder / kSingleFile)) {
    layout.files.push_back(folder / kSingleFile);
    return layout;
  }
  for (const char* pickle : {"pytorch_model.bin", "pytorch_model.bin.index.json"}) {
    if (path_exists(folder / pickle)) refuse_pickle(folder, folder / pickle);
  }
  fail("{}: no {} or {} in the model folder", folder.string(), kSingleFile, kIndexFile);
}

std::vector<fs::path> checkpoint_files(const fs::path& folder) { return find_checkpoint(folder).files; }

void load_checkpoint(BloomModelImpl& model, const fs::path& folder) {
  std::map<std::string, WeightTarget> targets;
  for (WeightTarget& target : weight_targets(model)) targets.emplace(target.name, target);
  const CheckpointLayout layout = find_checkpoint(folder);
  const auto& weight_map = layout.weight_map;

  std::map<std::string, fs::path> loaded_from;
  for (const fs::path& path : layout.files) {
    const SafetensorsFile file(path);
    for (const StTensor& tensor : file.tensors()) {
      if (!weight_map.empty()) {
        auto listed = weight_map.find(tensor.name);
        if (listed == weight_map.end() || listed->second != path.filename().string()) {
          fail("{}: tensor '{}' is in this shard but {} lists it {}", path.string(), tensor.name, kIndexFile,
               listed == weight_map.end() ? "nowhere" : "in '" + listed->second + "'");
        }
      }
      const std::string name = model_name(tensor.name);
      if (name == "lm_head.weight") continue;  // tied to word_embeddings; unused by an encoder
      auto target = targets.find(name);
      if (target == targets.end()) {
        fail(
            "{}: unexpected tensor '{}' (not a BLOOM parameter; expected names like "
            "'h.0.self_attention.query_key_value.weight', optionally prefixed 'transformer.')",
            path.string(), tensor.name);
      }
      if (!loaded_from.emplace(name, path).second) {
        fail("{}: tensor '{}' appears twice (also in {})", path.string(), tensor.name, loaded_from[name].string());
      }
      const auto expected = target->second.shape();
      if (tensor.shape != expected) {
        fail("{}: tensor '{}' has shape {} but the model built from config.json expects {}", path.string(), tensor.name,
             shape_text(tensor.shape), shape_text(expected));
      }
      if (tensor.dtype != StDtype::F32 && tensor.dtype != StDtype::F16 && tensor.dtype != StDtype::BF16 &&
          tensor.dtype != StDtype::F64) {
        fail("{}: tensor '{}' has dtype {}, expected a floating type (F32, F16 or BF16)", path.string(), tensor.name,
             st_dtype_name(tensor.dtype));
      }
      if (StoredWeight* stored = target->second.stored) {
        visit_row_slices(file, tensor, kCopySliceBytes,
                         [&](std::int64_t first, const torch::Tensor& rows) { stored->set_weight_rows(first, rows); });
      } else {
        copy_into(file, tensor, target->second.parameter);
      }
    }
  }
  std::vector<std::string> missing;
  for (const auto& [name, target] : targets) {
    if (loaded_from.count(name) == 0) missing.push_back(name);
  }
  if (!missing.empty()) {
    const std::vector<std::string> first(missing.begin(), missing.begin() + std::min<std::size_t>(missing.size(), 5));
    fail("{}: the checkpoint lacks {} of the model's {} tensors: {}{}", folder.string(), missing.size(), targets.size(),
         fmt::join(first, ", "), missing.size() > 5 ? ", ..." : "");
  }
}

BloomModel load_bloom(const fs::path& folder, const ModelLoadOptions& options) {
  check_dtype_supported(options.dtype, options.device);
  if (!is_folder(folder)) fail("{}: model folder not found", folder.string());
  const fs::path config_path = folder / "config.json";
  if (!path_exists(config_path)) fail("{}: config.json not found in the model folder", folder.string());
  const BloomConfig config = BloomConfig::from_file(config_path);
  BloomModel model(config, torch::TensorOptions().dtype(options.dtype).device(options.device), options.base_weights);
  load_checkpoint(*model, folder);
  model->eval();
  return model;
}

}  // namespace lacos
