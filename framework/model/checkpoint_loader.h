// Loading BLOOM from a Hugging Face model folder:
//   config.json + model.safetensors, or shards listed in model.safetensors.index.json.
// Names may carry the `transformer.` prefix (BloomForCausalLM) or not (BloomModel);
// `lm_head.weight` is skipped (tied to the word embeddings). F32/F16/BF16 tensors are converted
// to the compute dtype as they are copied. Shards are read one at a time through memory maps
// and each tensor's pages are released once copied, so host memory stays near the model's own
// size (bloom-7b1 in float32 must fit in 24 GiB). Pickle `.bin` checkpoints are refused with
// the command that converts them.
#pragma once

#include "model/bloom_model.h"
#include "quant/weight_format.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lacos {

struct ModelLoadOptions {
  torch::ScalarType dtype = torch::kFloat32;
  torch::Device device = torch::kCPU;
  // float, or int8 (quantized tensor by tensor as the shards are read; see quant/weight_format.h).
  WeightFormat base_weights;
};

// The safetensors files that make up the checkpoint in `folder`, in load order, and (for a
// sharded checkpoint) the index's map from tensor name to shard file name.
struct CheckpointLayout {
  std::vector<std::filesystem::path> files;
  std::map<std::string, std::string> weight_map;  // empty for a single model.safetensors
};
CheckpointLayout find_checkpoint(const std::filesystem::path& folder);
std::vector<std::filesystem::path> checkpoint_files(const std::filesystem::path& folder);

// Fills every weight of `model` (parameters, and int8 weights quantized on the way in) from the
// checkpoint in `folder`. Missing, unexpected, duplicated or wrongly shaped tensors are errors
// naming the tensor, the file and both shapes.
void load_checkpoint(BloomModelImpl& model, const std::filesystem::path& folder);

// config.json + checkpoint -> model in eval mode.
BloomModel load_bloom(const std::filesystem::path& folder, const ModelLoadOptions& options = {});

}  // namespace lacos
