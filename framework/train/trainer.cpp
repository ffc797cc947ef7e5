#include "train/trainer.h"

#include "core/device_memory.h"
#include "core/error.h"
#include "core/host_sync.h"
#include "core/progress_bar.h"
#include "lora/apply_lora.h"
#include "train/siamese_encoder.h"
#include "train/train_step.h"
#include "train/training_state.h"

#include <chrono>
#include <unordered_set>

namespace lacos {

namespace {

TokenIds tokenize(const Tokenizer& tokenizer, const std::string& text, std::int64_t max_length) {
  TokenIds ids = tokenizer.encode(text);
  if (static_cast<std::int64_t>(ids.size()) > max_length) ids.resize(static_cast<std::size_t>(max_length));
  return ids;
}

std::int64_t token_count(const std::vector<TokenIds>& sentences) {
  std::int64_t total = 0;
  for (const auto& ids : sentences) total += static_cast<std::int64_t>(ids.size());
  return total;
}

// What a logged step reports: everything read back from the device in one copy (the step's one
// synchronisation), the loss and token count summed over the ranks in one collective. Reports
// updates skipped since the last logged step (non-finite gradients) on rank 0's stderr.
StepRecord read_step_record(std::int64_t step, double learning_rate, const StepTensors& outcome,
                            const torch::Tensor& skipped_count, std::int64_t tokens, Communicator& communicator,
                            std::int64_t& skipped_reported) {
  communicator.wait_device(fmt::format("step {}", step));
  const torch::Tensor reported = torch::stack({outcome.loss.to(torch::kFloat64), outcome.grad_norm.to(torch::kFloat64),
                                               outcome.applied.to(torch::kFloat64), skipped_count})
                                     .to(torch::kCPU);
  // The global batch's loss (each rank's covers its own anchors) and token count.
  torch::Tensor totals =
      torch::stack({reported[0], torch::scalar_tensor(static_cast<double>(tokens), torch::kFloat64)});
  communicator.all_reduce_sum_(totals);
  StepRecord record;
  record.step = step;
  record.learning_rate = learning_rate;
  record.loss = totals[0].item<double>() / communicator.size();
  record.tokens = static_cast<std::int64_t>(totals[1].item<double>());
  record.grad_norm = reported[1].item<double>();
  record.skipped = reported[2].item<double>() == 0.0;
  const auto skipped = static_cast<std::int64_t>(reported[3].item<double>());
  if (skipped > skipped_reported && communicator.rank() == 0) {
    std::fprintf(stderr,
                 "\nstep %lld: %lld update(s) skipped since the last report (non-finite gradients), %lld so far\n",
                 static_cast<long long>(step), static_cast<long long>(skipped - skipped_reported),
                 static_cast<long long>(skipped));
  }
  skipped_reported = skipped;
  return record;
}

}  // namespace

std::size_t remove_evaluation_overlap(std::vector<TextPair>& pairs, const EvalSuite& eval_sets) {
  std::unordered_set<std::string> evaluation;
  for (const std::string* sentence : eval_sets.all_sentences()) evaluation.insert(*sentence);
  const std::size_t before = pairs.size();
  pairs.erase(std::remove_if(pairs.begin(), pairs.end(),
                             [&](const TextPair& pair) {
                               return evaluation.count(pair.anchor) > 0 || evaluation.count(pair.positive) > 0 ||
                                   (!pair.negative.empty() && evaluation.count(pair.negative) > 0);
                             }),
              pairs.end());
  return before - pairs.size();
}

Trainer::Trainer(SentenceEncoder& encoder, std::vector<TextPair> train, EvalSuite eval_sets, TrainerOptions options)
    : encoder_(encoder), train_(std::move(train)), eval_sets_(std::move(eval_sets)), options_(options) {
  if (options_.steps <= 0) fail("training steps must be positive, got {}", options_.steps);
  if (train_.empty()) fail("no training pairs");
  if (lora_layers(*encoder_.model()).empty()) fail("the model has no LoRA adapters to train");
  options_.schedule.total_steps = options_.steps;
  if (options_.use_hard_negatives) {
    for (const TextPair& pair : train_) {
      if (pair.negative.empty()) fail("hard negatives requested but a training pair has none ('{}')", pair.anchor);
    }
  }
}

PairBatch Trainer::local_batch(const std::vector<std::size_t>& global_batch, std::size_t first_row,
                               std::size_t rows) const {
  const std::int64_t max_length = encoder_.options().max_length;
  PairBatch batch;
  for (std::size_t row = first_row; row < first_row + rows; ++row) {
    const TextPair& pair = train_[global_batch[row]];
    batch.anchors.push_back(tokenize(encoder_.tokenizer(), pair.anchor, max_length));
    batch.positives.push_back(tokenize(encoder_.tokenizer(), pair.positive, max_length));
    if (options_.use_hard_negatives)
      batch.negatives.push_back(tokenize(encoder_.tokenizer(), pair.negative, max_length));
  }
  return batch;
}

EvalRecord Trainer::evaluate(std::int64_t step) {
  EvalRecord record;
  record.step = step;
  SuiteScores scores = eval_sets_.evaluate(encoder_);
  record.results = std::move(scores.sts);
  record.bitext = std::move(scores.bitext);
  encoder_.model()->train();
  return record;
}

void Trainer::resume_from(TrainingCheckpoint checkpoint) { resume_ = std::move(checkpoint); }

TrainResult Trainer::run(const std::function<void(const StepRecord&)>& on_step,
                         const std::function<void(const EvalRecord&)>& on_eval,
                         const std::function<void(const TrainingCheckpoint&, const CheckpointReason&)>& on_checkpoint) {
  BloomModel model = encoder_.model();
  const std::int64_t max_length = encoder_.options().max_length;
  SiameseEncoder siamese(model, encoder_.options().pooling, encoder_.pad_id(), max_length,
                         encoder_.options().padding_side);
  const auto parameters = trainable_parameters(*model);
  const torch::Device device = model->device();
  reset_peak_memory(device);

  // Data parallelism: this rank's slice of each global batch, one adapter for all ranks.
  Communicator& communicator =
      options_.communicator != nullptr ? *options_.communicator : single_process_communicator();
  const int rank = communicator.rank();
  const int ranks = communicator.size();
  if (options_.batching.batch_size % ranks != 0) {
    fail(
        "train.batch_size {} does not divide among {} ranks: the global batch must be a multiple of the number of "
        "ranks",
        options_.batching.batch_size, ranks);
  }
  const std::size_t local_rows = static_cast<std::size_t>(options_.batching.batch_size / ranks);
  TrainStep train_step(siamese, parameters, options_, communicator);
  Adam& optimizer = train_step.optimizer();
  GradientSync& sync = train_step.sync();
  encoder_.shard_encoding(&communicator);

  TrainResult result;
  TrainingState state(parameters, optimizer, communicator, options_.batching.seed);
  if (resume_) {
    state.load(*resume_);
    result.first_step = resume_->steps_completed;
  } else {
    state.start();
  }
  sync.broadcast_parameters(/*root=*/0);
  std::vector<std::vector<std::size_t>> batches = epoch_batches(train_, options_.batching, state.epoch);
  if (batches.empty()) fail("{} training pairs make no full batch of {}", train_.size(), options_.batching.batch_size);
  if (state.next_batch > batches.size()) {
    fail(
        "checkpoint's data position (batch {}) is past this epoch's {} batches: the training data changed since it "
        "was written",
        state.next_batch, batches.size());
  }
  ProgressBar progress("train", options_.steps - result.first_step, "step", options_.progress && rank == 0);
  model->train();
  // The host reads nothing from the device in a step, except on steps that log (loss, gradient
  // norm, skip flag: one synchronisation), evaluate or checkpoint; tokens are counted on the host.
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto interval_start = start;  // since the last logged step (device work included)
  std::int64_t interval_steps = 0;
  double excluded_seconds = 0;  // evaluation and checkpoints
  std::int64_t local_tokens = 0;
  const SyncDebug sync_debug = sync_debug_from_environment();
  std::int64_t skipped_reported = resume_ ? optimizer.steps_skipped() : 0;
  for (std::int64_t step = result.first_step; step < options_.steps; ++step) {
    if (state.next_batch == batches.size()) {
      batches = epoch_batches(train_, options_.batching, ++state.epoch);
      state.next_batch = 0;
    }
    const PairBatch batch = local_batch(batches[state.next_batch++], rank * local_rows, local_rows);
    const double learning_rate = options_.learning_rate * options_.schedule.factor(step);
    const bool last = step + 1 == options_.steps;
    const bool logged = last || step % std::max<std::int64_t>(options_.log_every, 1) == 0;
    const StepTensors outcome = [&] {
      // LACOS_SYNC_DEBUG=error: a step that does not log must not synchronise (CUDA throws if it does).
      SyncDebugScope sync_check(device, logged ? SyncDebug::off : sync_debug);
      return train_step.run(batch, learning_rate, /*with_norm=*/logged);
    }();
    const std::int64_t tokens =
        token_count(batch.anchors) + token_count(batch.positives) + token_count(batch.negatives);
    local_tokens += tokens;
    ++interval_steps;
    if (logged) {
      StepRecord record = read_step_record(step, learning_rate, outcome, optimizer.counters()[1], tokens, communicator,
                                           skipped_reported);
      const auto now = Clock::now();
      record.seconds =
          std::chrono::duration<double>(now - interval_start).count() / static_cast<double>(interval_steps);
      interval_start = now;
      interval_steps = 0;
      result.steps.push_back(record);
      if (on_step) on_step(record);
      progress.set_postfix(fmt::format("loss {:.4f} lr {:.2e}", record.loss, record.learning_rate));
    }
    ++result.steps_run;
    progress.advance();
    CheckpointReason reason;
    // All ranks must stop at the same step: one rank's signal stops them all.
    const bool stopping =
        communicator.any(!last && options_.stop_requested != nullptr && options_.stop_requested->load());
    const bool evaluate_now =
        (last || (options_.eval_every > 0 && (step + 1) % options_.eval_every == 0)) && !eval_sets_.empty();
    reason.scheduled =
        last || stopping || (options_.checkpoint_every > 0 && (step + 1) % options_.checkpoint_every == 0);
    // Only several ranks have adapters to compare: one rank does not wait for its device for nothing.
    const bool check_now = communicator.distributed() &&
        (last || stopping || (options_.dist.check_every > 0 && (step + 1) % options_.dist.check_every == 0));
    if (evaluate_now || check_now || (on_checkpoint && reason.scheduled)) {
      // Host work that waits for the device: the steps so far count as training time, this does not.
      synchronize(device);
      const auto paused = Clock::now();
      if (evaluate_now) {
        result.evals.push_back(evaluate(step + 1));
        if (on_eval) on_eval(result.evals.back());
        reason.evaluated = true;
      }
      if (check_now) sync.check_identical(step + 1);
      if (on_checkpoint && (reason.scheduled || reason.evaluated)) {
        // The position after this step: the next batch may begin a new epoch, as the loop head does.
        on_checkpoint(state.save(step + 1), reason);
      }
      const auto resumed = Clock::now();
      excluded_seconds += std::chrono::duration<double>(resumed - paused).count();
      interval_start += resumed - paused;
    }
    if (stopping) {
      result.interrupted = true;
      break;
    }
  }
  synchronize(device);
  progress.finish();
  result.train_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double training_seconds = result.train_seconds - excluded_seconds;
  // All ranks' tokens, in one collective every rank reaches (after the loop, stopped or not).
  torch::Tensor all_tokens = torch::tensor({static_cast<double>(local_tokens)}, torch::kFloat64);
  communicator.all_reduce_sum_(all_tokens);
  result.tokens_per_second = training_seconds > 0 ? all_tokens.item<double>() / training_seconds : 0.0;
  result.peak_memory_bytes = peak_memory_bytes(device);
  result.skipped_steps = optimizer.steps_skipped();
  result.optimizer_state_bytes = optimizer.state_bytes();
  result.optimizer_fraction_8bit = optimizer.fraction_8bit();
  encoder_.shard_encoding(nullptr);
  model->eval();
  return result;
}

}  // namespace lacos
