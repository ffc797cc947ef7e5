// Writes a model in memory as a HF model folder (config.json + model.safetensors, or shards +
// model.safetensors.index.json) that transformers' BloomModel.from_pretrained and lacos load.
#pragma once

#include "model/bloom_model.h"

#include <cstdint>
#include <filesystem>
#include <optional>

namespace lacos {

struct HfFolderOptions {
  // Storage dtype; the model's own dtype when unset.
  std::optional<torch::ScalarType> dtype;
  // Split into shards of at most this many bytes (0 = one file), as save_pretrained's max_shard_size.
  std::uint64_t max_shard_bytes = 0;
  // Prefix tensor names with `transformer.` (as a BloomForCausalLM checkpoint) instead of none.
  bool causal_lm_names = false;
  // A tokenizer.json to copy into the folder.
  std::optional<std::filesystem::path> tokenizer_json;
};

void write_hf_folder(BloomModelImpl& model, const std::filesystem::path& folder, const HfFolderOptions& options = {});

}  // namespace lacos
