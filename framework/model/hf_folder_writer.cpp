#include "model/hf_folder_writer.h"

#include "core/dtype.h"
#include "core/error.h"
#include "core/json_file.h"
#include "io/torch_safetensors.h"
#include "model/weight_targets.h"

#include <fmt/format.h>

namespace lacos {

namespace fs = std::filesystem;

void write_hf_folder(BloomModelImpl& model, const fs::path& folder, const HfFolderOptions& options) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) fail("{}: cannot create model folder: {}", folder.string(), error.message());
  const torch::ScalarType dtype = options.dtype.value_or(model.dtype());

  Json config = model.config().to_json();
  config["torch_dtype"] = dtype_name(dtype);
  if (options.causal_lm_names) config["architectures"] = {"BloomForCausalLM"};
  write_json_file(folder / "config.json", config);

  // Group tensors into shards in parameter order, each at most max_shard_bytes (a tensor larger
  // than the limit gets a shard of its own).
  std::vector<std::vector<std::pair<std::string, torch::Tensor>>> shards(1);
  std::uint64_t shard_bytes = 0;
  std::uint64_t total_bytes = 0;
  for (const WeightTarget& target : weight_targets(model)) {
    const torch::Tensor tensor =
        target.stored != nullptr ? target.stored->dequantized_weight(dtype) : target.parameter.detach().to(dtype);
    const std::uint64_t bytes = tensor.numel() * tensor.element_size();
    if (options.max_shard_bytes > 0 && shard_bytes > 0 && shard_bytes + bytes > options.max_shard_bytes) {
      shards.emplace_back();
      shard_bytes = 0;
    }
    const std::string name = (options.causal_lm_names ? "transformer." : "") + target.name;
    shards.back().emplace_back(name, tensor);
    shard_bytes += bytes;
    total_bytes += bytes;
  }
  const std::map<std::string, std::string> metadata = {{"format", "pt"}};
  if (shards.size() == 1) {
    save_safetensors(folder / "model.safetensors", shards.front(), metadata);
  } else {
    Json weight_map = Json::object();
    for (std::size_t i = 0; i < shards.size(); ++i) {
      const std::string file = fmt::format("model-{:05}-of-{:05}.safetensors", i + 1, shards.size());
      save_safetensors(folder / file, shards[i], metadata);
      for (const auto& [name, tensor] : shards[i]) weight_map[name] = file;
    }
    write_json_file(folder / "model.safetensors.index.json",
                    {{"metadata", {{"total_size", total_bytes}}}, {"weight_map", weight_map}});
  }
  if (options.tokenizer_json) {
    fs::copy_file(*options.tokenizer_json, folder / "tokenizer.json", fs::copy_options::overwrite_existing, error);
    if (error) fail("{}: cannot copy into {}: {}", options.tokenizer_json->string(), folder.string(), error.message());
  }
}

}  // namespace lacos
