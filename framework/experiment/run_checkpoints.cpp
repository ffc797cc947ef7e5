#include "experiment/run_checkpoints.h"

#include "core/error.h"
#include "core/file_io.h"
#include "core/path_status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <tuple>

namespace lacos {

namespace fs = std::filesystem;

RunCheckpoints::RunCheckpoints(fs::path folder, std::int64_t keep, std::string best_metric)
    : folder_(std::move(folder)), keep_(keep), best_metric_(std::move(best_metric)) {}

void RunCheckpoints::save_scheduled(const TrainingCheckpoint& checkpoint, RunRecord& record) {
  const std::string name = fmt::format("checkpoint-{:08d}.h5", checkpoint.steps_completed);
  save_training_checkpoint(folder_ / name, checkpoint);
  auto& kept = record.checkpoints;
  kept.erase(std::remove_if(kept.begin(), kept.end(), [&](const auto& c) { return c.second == name; }), kept.end());
  kept.emplace_back(checkpoint.steps_completed, name);
  while (static_cast<std::int64_t>(kept.size()) > keep_) {
    std::error_code ignored;
    fs::remove(folder_ / kept.front().second, ignored);
    kept.erase(kept.begin());
  }
}

void RunCheckpoints::save_if_best(const TrainingCheckpoint& checkpoint, RunRecord& record) {
  if (best_metric_.empty()) return;
  // The set's score: Spearman x100 of an STS set, accuracy % of a bitext set.
  const std::vector<std::int64_t>* steps = nullptr;
  const std::vector<double>* scores = nullptr;
  for (const auto& [name, values] : record.eval) {
    if (name == best_metric_) std::tie(steps, scores) = std::pair{&values.step, &values.spearman};
  }
  for (const auto& [name, values] : record.bitext) {
    if (name == best_metric_) std::tie(steps, scores) = std::pair{&values.step, &values.accuracy};
  }
  if (scores == nullptr) {
    std::vector<std::string> known;
    for (const auto& entry : record.eval) known.push_back(entry.first);
    for (const auto& entry : record.bitext) known.push_back(entry.first);
    fail("train.best_metric: '{}' is not an evaluation set of this run (sets: {})", best_metric_,
         fmt::join(known, ", "));
  }
  if (scores->empty() || steps->back() != checkpoint.steps_completed) return;
  const double value = scores->back();
  const auto best = record.summary.find("best_spearman");
  if (best != record.summary.end() && std::get<double>(best->second) >= value) return;
  save_training_checkpoint(folder_ / "checkpoint-best.h5", checkpoint);
  record.summary["best_metric"] = best_metric_;
  record.summary["best_step"] = checkpoint.steps_completed;
  record.summary["best_spearman"] = value;
}

std::optional<fs::path> RunCheckpoints::latest(const RunRecord* record) const {
  if (record != nullptr) {
    for (auto it = record->checkpoints.rbegin(); it != record->checkpoints.rend(); ++it) {
      if (is_file(folder_ / it->second)) return folder_ / it->second;
    }
  }
  std::optional<fs::path> newest;
  if (!is_folder(folder_)) return newest;
  for (const auto& entry : fs::directory_iterator(folder_)) {
    const std::string name = entry.path().filename().string();
    if (is_checkpoint_file_name(name) && (!newest || name > newest->filename().string())) {
      newest = entry.path();
    }
  }
  return newest;
}

}  // namespace lacos

namespace lacos {

std::optional<TrainingCheckpoint> load_checkpoint_on_all_ranks(Communicator& communicator,
                                                               const std::optional<fs::path>& latest) {
  if (!communicator.distributed()) {
    if (!latest) return std::nullopt;
    return load_training_checkpoint(*latest);
  }
  const bool writer = communicator.rank() == 0;
  const std::string bytes = communicator.broadcast_text(writer && latest ? read_file_bytes(*latest) : std::string(), 0);
  if (bytes.empty()) return std::nullopt;
  if (writer) return load_training_checkpoint(*latest);
  // HDF5 reads files, not memory: a private copy in the temp folder, removed again.
  const fs::path copy = write_private_temp_file(fmt::format("lacos-checkpoint-rank{}", communicator.rank()), bytes);
  try {
    TrainingCheckpoint checkpoint = load_training_checkpoint(copy);
    fs::remove(copy);
    return checkpoint;
  } catch (...) {
    fs::remove(copy);
    throw;
  }
}

}  // namespace lacos
