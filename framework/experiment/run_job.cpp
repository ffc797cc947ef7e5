#include "experiment/run_job.h"

#include "core/device_memory.h"
#include "core/process_memory.h"
#include "core/stop_signal.h"
#include "data/training_data.h"
#include "distributed/process_placement.h"
#include "embed/model_reference.h"
#include "experiment/model_source.h"
#include "lora/apply_lora.h"
#include "lora/peft_adapter.h"

#include <chrono>

namespace lacos {

namespace fs = std::filesystem;

namespace {

struct RunData {
  EvalSuite eval_sets;
  TrainingData training;
  std::size_t removed = 0;  // pairs dropped for sharing a text with an evaluation set
};

// Data first: a bad file fails before the model loads.
RunData read_run_data(const RunSettings& s, RunLog& log) {
  RunData data{EvalSuite::read(s.eval_paths), {}, 0};
  data.eval_sets.bootstrap = s.bootstrap;
  if (s.trainer.steps == 0) return data;
  data.training = read_training_data(s.pair_files, s.nli_files, s.trainer.use_hard_negatives);
  for (const std::string& note : data.training.notes) log.line("data: " + note);
  if (s.remove_eval_overlap) data.removed = remove_evaluation_overlap(data.training.pairs, data.eval_sets);
  log.line(
      fmt::format("data: {} training pairs ({} removed for sharing a text with an evaluation set, {} malformed "
                  "lines skipped)",
                  data.training.pairs.size(), data.removed, data.training.malformed));
  return data;
}

// Every text the run will see: a random stand-in model builds its tokenizer from them.
std::vector<std::string> corpus_of(const RunData& data) {
  std::vector<std::string> texts;
  for (const TextPair& pair : data.training.pairs) {
    texts.push_back(pair.anchor);
    texts.push_back(pair.positive);
  }
  for (const std::string* sentence : data.eval_sets.all_sentences()) texts.push_back(*sentence);
  return texts;
}

SentenceEncoder load_model(const RunSettings& s, const RunData& data, RunRecorder& recorder) {
  reset_peak_memory(s.load.device);  // tensor memory of the model's device: the CPU tracker or CUDA's allocator
  reset_resident_peak();
  const bool random = uses_random_stand_in(s.model);
  const auto start = std::chrono::steady_clock::now();
  SentenceEncoder encoder = open_model(s, random ? corpus_of(data) : std::vector<std::string>{});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  recorder.model_loaded(encoder.model()->config(), s, random, seconds, resident_peak_bytes());
  reset_resident_peak();  // training's peak apart from loading's
  return encoder;
}

std::int64_t count_trainable(BloomModelImpl& model) {
  std::int64_t total = 0;
  for (const auto& [name, parameter] : trainable_parameters(model)) total += parameter.numel();
  return total;
}

// LoRA + MNR training, with checkpoints; the adapter (and a sentence-transformers folder) at the end.
RunOutcome train(const RunJob& job, const RunSettings& s, SentenceEncoder& encoder, RunData data,
                 std::optional<TrainingCheckpoint> resume, RunCheckpoints& checkpoints, RunRecorder& recorder,
                 Communicator& communicator) {
  torch::manual_seed(s.seed);  // LoRA init and dropout, as torch.manual_seed before get_peft_model
  apply_lora(*encoder.model(), s.lora);
  encoder.model()->set_activation_checkpointing(s.activation_checkpointing);
  recorder.training_plan(count_trainable(*encoder.model()), static_cast<std::int64_t>(data.training.pairs.size()),
                         data.removed, data.training.malformed);
  TrainerOptions options = s.trainer;
  options.stop_requested = &stop_requested();
  options.communicator = &communicator;
  const bool writer = communicator.rank() == 0;
  const auto on_checkpoint = [&](const TrainingCheckpoint& checkpoint, const CheckpointReason& reason) {
    if (!writer) return;
    if (reason.scheduled) checkpoints.save_scheduled(checkpoint, recorder.record());
    if (reason.evaluated) checkpoints.save_if_best(checkpoint, recorder.record());
    recorder.flush();
  };
  RunOutcome outcome;
  const auto on_eval = [&](const EvalRecord& evaluation) {
    recorder.evaluation(evaluation);
    outcome.final_scores = evaluation.results;
    outcome.final_bitext = evaluation.bitext;
  };
  Trainer trainer(encoder, std::move(data.training.pairs), data.eval_sets, options);
  if (resume) trainer.resume_from(std::move(*resume));
  const TrainResult result = trainer.run([&](const StepRecord& step) { recorder.step(step); }, on_eval, on_checkpoint);
  if (result.interrupted) {
    recorder.interrupted(result);
    outcome.status = RunStatus::interrupted;
    return outcome;
  }
  if (writer) {
    save_adapter(*encoder.model(), s.lora, job.folder / "adapter", fs::absolute(s.model.path).string());
    if (!uses_random_stand_in(s.model)) {  // a random stand-in has no base folder to point at
      write_sentence_transformers_folder(job.folder / "sentence-transformers", job.folder / "adapter",
                                         s.encoder.pooling, s.encoder.max_length,
                                         encoder.model()->config().hidden_size);
    }
  }
  recorder.training_done(result, s, communicator);
  outcome.tokens_per_second = result.tokens_per_second;
  return outcome;
}

// steps=0: the base model evaluated as it is, the encoding sharded over the ranks.
RunOutcome evaluate_only(const RunData& data, SentenceEncoder& encoder, RunRecorder& recorder,
                         Communicator& communicator) {
  encoder.model()->eval();
  encoder.shard_encoding(&communicator);
  SuiteScores scores = data.eval_sets.evaluate(encoder);
  EvalRecord evaluation;
  evaluation.results = std::move(scores.sts);
  evaluation.bitext = std::move(scores.bitext);
  recorder.evaluation(evaluation);
  RunOutcome outcome;
  outcome.final_scores = evaluation.results;
  outcome.final_bitext = evaluation.bitext;
  std::int64_t tokens = 0;
  double seconds = 0;
  for (const StsResult& result : evaluation.results) {
    tokens += result.tokens;
    seconds += result.seconds;
  }
  for (const BitextResult& result : evaluation.bitext) {
    tokens += result.tokens;
    seconds += result.seconds;
  }
  outcome.tokens_per_second = seconds > 0 ? tokens / seconds : 0.0;
  return outcome;
}

// The settings as this rank uses them: with several ranks per node on CUDA, rank i of the node
// takes GPU i (distributed/process_placement.h, as the NCCL backend does).
RunSettings settings_for_rank(const RunSettings& settings, const Communicator& communicator) {
  RunSettings s = settings;
  if (s.load.device.is_cuda() && communicator.local_size() > 1) {
    s.load.device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(cuda_device_of_this_rank()));
  }
  return s;
}

}  // namespace

RunOutcome run_job(const RunJob& job, Communicator& communicator) {
  const auto start = std::chrono::steady_clock::now();
  const RunSettings s = settings_for_rank(job.settings, communicator);
  RunFolder folder(job, communicator);
  if (folder.completed()) {
    folder.log().line(fmt::format("== run {}: already completed, skipped", job.name));
    return folder.writer() ? outcome_of(*folder.previous()) : RunOutcome{};
  }
  folder.write_configuration(job);
  folder.log().line(fmt::format("== run {} ({})", job.name, job.folder.string()));
  RunData data = read_run_data(s, folder.log());
  RunCheckpoints checkpoints(job.folder, s.keep_checkpoints, s.best_metric);
  std::optional<TrainingCheckpoint> resume;
  if (s.trainer.steps > 0) resume = folder.resume_point(communicator, checkpoints);
  RunRecorder recorder(job, folder, data.eval_sets, resume, start);
  recorder.started(job, s, communicator);
  try {
    SentenceEncoder encoder = load_model(s, data, recorder);
    RunOutcome outcome = s.trainer.steps > 0
        ? train(job, s, encoder, std::move(data), std::move(resume), checkpoints, recorder, communicator)
        : evaluate_only(data, encoder, recorder, communicator);
    if (outcome.status == RunStatus::interrupted) return outcome;
    outcome.peak_memory_bytes = peak_memory_bytes(s.load.device);
    outcome.wall_seconds = recorder.seconds_since_start();
    recorder.completed(outcome, resident_peak_bytes());
    return outcome;
  } catch (const std::exception& e) {
    recorder.failed(e);
    throw;
  }
}

}  // namespace lacos
