#include "train/training_checkpoint.h"

#include "core/error.h"
#include "io/tensor_h5.h"

#include <map>

namespace lacos {

namespace {
constexpr const char* kAdapterPrefix = "adapter:";
constexpr const char* kOptimizerPrefix = "optimizer:";
constexpr const char* kRankRngPrefix = "rng_state_rank";
}  // namespace

void save_training_checkpoint(const std::filesystem::path& path, const TrainingCheckpoint& checkpoint) {
  TensorFile content;
  for (const auto& [name, tensor] : checkpoint.adapter) content.tensors.emplace_back(kAdapterPrefix + name, tensor);
  for (const auto& [name, tensor] : checkpoint.optimizer) content.tensors.emplace_back(kOptimizerPrefix + name, tensor);
  content.tensors.emplace_back("rng_state", checkpoint.rng_state);
  for (std::size_t r = 0; r < checkpoint.other_rank_rng_states.size(); ++r) {
    content.tensors.emplace_back(kRankRngPrefix + std::to_string(r + 1), checkpoint.other_rank_rng_states[r]);
  }
  content.attributes["schema_version"] = kCheckpointSchemaVersion;
  content.attributes["steps_completed"] = checkpoint.steps_completed;
  content.attributes["epoch"] = checkpoint.epoch;
  content.attributes["next_batch"] = checkpoint.next_batch;
  write_tensor_h5(path, content);
}

TrainingCheckpoint load_training_checkpoint(const std::filesystem::path& path) {
  const TensorFile content = read_tensor_h5(path);
  const auto integer = [&](const std::string& key) {
    const H5Scalar& value = content.attribute(key, path);
    if (!std::holds_alternative<std::int64_t>(value)) fail("{}: attribute '{}' is not an integer", path.string(), key);
    return std::get<std::int64_t>(value);
  };
  const std::int64_t version = integer("schema_version");
  if (version != kCheckpointSchemaVersion) {
    fail("{}: checkpoint schema version {} (this lacos reads version {})", path.string(), version,
         kCheckpointSchemaVersion);
  }
  TrainingCheckpoint checkpoint;
  checkpoint.steps_completed = integer("steps_completed");
  checkpoint.epoch = integer("epoch");
  checkpoint.next_batch = integer("next_batch");
  const std::string adapter_prefix = kAdapterPrefix, optimizer_prefix = kOptimizerPrefix, rank_prefix = kRankRngPrefix;
  std::map<std::int64_t, torch::Tensor> rank_states;
  for (const auto& [name, tensor] : content.tensors) {
    if (name.rfind(adapter_prefix, 0) == 0) {
      checkpoint.adapter.emplace_back(name.substr(adapter_prefix.size()), tensor);
    } else if (name.rfind(optimizer_prefix, 0) == 0) {
      checkpoint.optimizer.emplace_back(name.substr(optimizer_prefix.size()), tensor);
    } else if (name == "rng_state") {
      checkpoint.rng_state = tensor;
    } else if (name.rfind(rank_prefix, 0) == 0) {
      rank_states[std::stoll(name.substr(rank_prefix.size()))] = tensor;
    }
  }
  for (std::int64_t r = 1; rank_states.count(r) > 0; ++r) checkpoint.other_rank_rng_states.push_back(rank_states[r]);
  if (!checkpoint.rng_state.defined() || checkpoint.adapter.empty()) {
    fail("{}: checkpoint lacks its adapter weights or random state", path.string());
  }
  return checkpoint;
}

}  // namespace lacos
