#include "train/training_state.h"

#include "core/error.h"

#include <map>
#include <mutex>

namespace lacos {

namespace {

at::Generator cpu_generator() { return at::detail::getDefaultCPUGenerator(); }

void set_generator_state(const torch::Tensor& state) {
  at::Generator generator = cpu_generator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

torch::Tensor generator_state() {
  at::Generator generator = cpu_generator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

// A dropout stream of its own for rank > 0 (rank 0 keeps the one a single process would have).
void seed_rank_stream(std::uint64_t seed, int rank, std::int64_t step) {
  torch::manual_seed(seed + 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(rank) +
                     static_cast<std::uint64_t>(step));
}

// Copies saved adapter weights into the live parameters; names and shapes must match.
void restore_parameters(const std::vector<std::pair<std::string, torch::Tensor>>& parameters,
                        const std::vector<std::pair<std::string, torch::Tensor>>& saved) {
  std::map<std::string, torch::Tensor> by_name(saved.begin(), saved.end());
  if (by_name.size() != parameters.size()) {
    fail("checkpoint holds {} adapter tensors but the model has {}: it belongs to another LoRA configuration",
         by_name.size(), parameters.size());
  }
  torch::NoGradGuard no_grad;
  for (const auto& [name, parameter] : parameters) {
    const auto it = by_name.find(name);
    if (it == by_name.end())
      fail("checkpoint has no adapter tensor '{}': it belongs to another LoRA configuration", name);
    if (it->second.sizes() != parameter.sizes()) {
      fail("checkpoint tensor '{}' has shape {} but the model expects {}", name, c10::str(it->second.sizes()),
           c10::str(parameter.sizes()));
    }
    parameter.copy_(it->second);
  }
}

}  // namespace

TrainingState::TrainingState(std::vector<std::pair<std::string, torch::Tensor>> parameters, Adam& optimizer,
                             Communicator& communicator, std::uint64_t seed)
    : parameters_(std::move(parameters)), optimizer_(optimizer), communicator_(communicator), seed_(seed) {}

void TrainingState::start() {
  epoch = 0;
  next_batch = 0;
  if (communicator_.rank() > 0) seed_rank_stream(seed_, communicator_.rank(), 0);
}

TrainingCheckpoint TrainingState::save(std::int64_t steps_completed) const {
  TrainingCheckpoint checkpoint;
  checkpoint.steps_completed = steps_completed;
  checkpoint.epoch = epoch;
  checkpoint.next_batch = static_cast<std::int64_t>(next_batch);
  for (const auto& [name, parameter] : parameters_) checkpoint.adapter.emplace_back(name, parameter.detach().clone());
  checkpoint.optimizer = optimizer_.state();
  const torch::Tensor states = communicator_.all_gather(generator_state().unsqueeze(0));
  checkpoint.rng_state = states[0].clone();
  for (int r = 1; r < communicator_.size(); ++r) checkpoint.other_rank_rng_states.push_back(states[r].clone());
  return checkpoint;
}

void TrainingState::load(const TrainingCheckpoint& checkpoint) {
  epoch = checkpoint.epoch;
  next_batch = static_cast<std::size_t>(checkpoint.next_batch);
  restore_parameters(parameters_, checkpoint.adapter);
  std::map<std::string, torch::Tensor> optimizer_state(checkpoint.optimizer.begin(), checkpoint.optimizer.end());
  optimizer_.load_state(optimizer_state);
  const int rank = communicator_.rank();
  const std::size_t other = static_cast<std::size_t>(rank);  // ranks 1.. are stored after rank 0
  if (rank == 0) {
    set_generator_state(checkpoint.rng_state);
  } else if (other <= checkpoint.other_rank_rng_states.size()) {
    set_generator_state(checkpoint.other_rank_rng_states[other - 1]);
  } else {
    seed_rank_stream(seed_, rank, checkpoint.steps_completed);
  }
}

}  // namespace lacos
