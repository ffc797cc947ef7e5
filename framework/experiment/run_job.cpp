#include "experiment/run_job.h"

#include "core/device_memory.h"
#include "core/dtype.h"
#include "core/error.h"
#include "core/process_memory.h"
#include "core/stop_signal.h"
#include "data/training_data.h"
#include "dist/build_info.h"
#include "embed/model_reference.h"
#include "experiment/model_source.h"
#include "experiment/run_checkpoints.h"
#include "io/run_h5.h"
#include "lora/apply_lora.h"
#include "lora/peft_adapter.h"
#include "train/trainer.h"

#include <chrono>
#include <fstream>
#include <optional>

namespace lacos {

namespace fs = std::filesystem;

namespace {

// Writes each line to the run's log file and to stderr; with an empty path (a rank that does
// not write) nothing at all.
class RunLog {
 public:
  explicit RunLog(const fs::path& path) {
    if (path.empty()) return;
    out_.open(path, std::ios::app);
    if (!out_) fail("{}: cannot write the run log", path.string());
  }
  void line(const std::string& text) {
    if (!out_.is_open()) return;
    out_ << text << '\n';
    out_.flush();
    std::fprintf(stderr, "%s\n", text.c_str());
  }

 private:
  std::ofstream out_;
};

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out.flush()) fail("{}: write failed", path.string());
}

std::string joined(const std::vector<std::string>& lines, const std::string& separator) {
  std::string out;
  for (const std::string& line : lines) out += (out.empty() ? "" : separator) + line;
  return out;
}

std::vector<std::string> corpus_of(const std::vector<TextPair>& pairs, const StsSuite& suite) {
  std::vector<std::string> texts;
  for (const TextPair& pair : pairs) {
    texts.push_back(pair.anchor);
    texts.push_back(pair.positive);
  }
  for (const StsSet* set : suite.all_sets()) {
    for (const StsPair& pair : set->pairs) {
      texts.push_back(pair.sentence1);
      texts.push_back(pair.sentence2);
    }
  }
  return texts;
}

std::int64_t count_trainable(BloomModelImpl& model) {
  std::int64_t total = 0;
  for (const auto& [name, parameter] : trainable_parameters(model)) total += parameter.numel();
  return total;
}

std::string scores_line(const std::vector<StsResult>& results) {
  std::string out;
  for (const StsResult& result : results) out += fmt::format(" {} {:.2f}", result.name, result.spearman);
  return out;
}

// What an earlier invocation left in this folder, if anything. A run.h5 that cannot be read is
// set aside (its history is lost; the checkpoints still let the run continue).
std::optional<RunRecord> previous_record(const RunJob& job, RunLog& log) {
  const fs::path path = job.folder / "run.h5";
  if (!fs::exists(path)) return std::nullopt;
  RunRecord record;
  try {
    record = read_run_h5(path);
  } catch (const Error& e) {
    log.line(fmt::format("warning: {} is unreadable ({}); moved to run.h5.unreadable", path.string(), e.what()));
    fs::rename(path, job.folder / "run.h5.unreadable");
    return std::nullopt;
  }
  if (record.config_yaml != job.config_yaml) {
    fail("{} holds a run with another configuration; resume it with its own settings (lacos-exp --resume {}) or "
         "choose another experiment.output_dir", job.folder.string(), job.folder.string());
  }
  return record;
}

RunOutcome outcome_of(const RunRecord& record) {
  RunOutcome outcome;
  outcome.skipped = true;
  const auto number = [&](const char* key) {
    const auto it = record.summary.find(key);
    if (it == record.summary.end()) return 0.0;
    if (const auto* d = std::get_if<double>(&it->second)) return *d;
    if (const auto* i = std::get_if<std::int64_t>(&it->second)) return static_cast<double>(*i);
    return 0.0;
  };
  outcome.tokens_per_second = number("tokens_per_second");
  outcome.peak_memory_bytes = static_cast<std::int64_t>(number("peak_memory_bytes"));
  outcome.wall_seconds = number("wall_seconds");
  for (const auto& [name, series] : record.eval) {
    if (series.spearman.empty()) continue;
    StsResult result;
    result.name = name;
    result.spearman = series.spearman.back();
    result.pearson = series.pearson.back();
    outcome.final_scores.push_back(result);
  }
  return outcome;
}

std::string status_of(const RunRecord& record) {
  const auto it = record.summary.find("status");
  return it == record.summary.end() ? "" : std::get<std::string>(it->second);
}

// The settings as this rank uses them: with several ranks per node on CUDA, rank i of the node
// takes GPU i (the NCCL backend picks the same one).
RunSettings settings_for_rank(const RunSettings& settings, const Communicator& communicator) {
  RunSettings s = settings;
  if (s.load.device.is_cuda() && communicator.local_size() > 1) {
    const int devices = static_cast<int>(torch::cuda::device_count());
    if (devices == 0) fail("model.device is {} but this rank sees no CUDA device", s.load.device.str());
    s.load.device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(communicator.local_rank() % devices));
  }
  return s;
}

}  // namespace

RunOutcome run_job(const RunJob& job, Communicator& communicator) {
  const RunSettings s = settings_for_rank(job.settings, communicator);
  const auto start = std::chrono::steady_clock::now();
  const bool writer = communicator.rank() == 0;
  if (writer) fs::create_directories(job.folder);
  RunLog log(writer ? job.folder / "run.log" : fs::path());
  std::optional<RunRecord> previous = writer ? previous_record(job, log) : std::nullopt;
  const bool completed = communicator.broadcast_text(previous && status_of(*previous) == "completed" ? "1" : "0", 0) == "1";
  if (completed) {
    log.line(fmt::format("== run {}: already completed, skipped", job.name));
    return writer ? outcome_of(*previous) : RunOutcome{};
  }
  if (writer) {
    write_text(job.folder / "config.yaml", job.config_yaml);
    write_text(job.folder / "overrides.txt", joined(job.overrides, "\n") + (job.overrides.empty() ? "" : "\n"));
  }
  log.line(fmt::format("== run {} ({})", job.name, job.folder.string()));

  // Data first: a bad file fails before the model loads.
  const StsSuite eval_sets = StsSuite::read(s.eval_paths);
  TrainingData data;
  if (s.trainer.steps > 0) data = read_training_data(s.pair_files, s.nli_files, s.trainer.use_hard_negatives);
  for (const std::string& note : data.notes) log.line("data: " + note);
  const std::size_t removed = s.remove_eval_overlap ? remove_evaluation_overlap(data.pairs, eval_sets) : 0;
  if (s.trainer.steps > 0) {
    log.line(fmt::format("data: {} training pairs ({} removed for sharing a text with an evaluation set, {} malformed "
                         "lines skipped)", data.pairs.size(), removed, data.malformed));
  }

  RunCheckpoints checkpoints(job.folder, s.keep_checkpoints, s.best_metric);
  std::optional<TrainingCheckpoint> resume;
  if (s.trainer.steps > 0) {
    const auto latest = writer ? checkpoints.latest(previous ? &*previous : nullptr) : std::nullopt;
    resume = load_checkpoint_on_all_ranks(communicator, latest);
    if (resume) log.line(fmt::format("resuming from {} ({} steps done)", latest->string(), resume->steps_completed));
  }
  if (previous && !resume) log.line("no checkpoint of the earlier attempt: starting over");
  const fs::path run_h5 = writer ? job.folder / "run.h5" : fs::path();
  RunH5 record = [&] {
    if (!previous || !resume) return RunH5(run_h5, job.config_yaml, joined(job.overrides, "\n"), eval_sets.result_names());
    previous->truncate_to(resume->steps_completed);
    return RunH5(run_h5, std::move(*previous));
  }();
  record.set_summary("status", std::string("running"));
  record.record().summary.erase("error");
  if (resume) record.set_summary("resumed_from_step", resume->steps_completed);
  record.set_summary("experiment", s.experiment);
  record.set_summary("run", job.name);
  record.set_summary("model", s.model.name);
  record.set_summary("model_path", s.model.path.string());
  record.set_summary("world_size", static_cast<std::int64_t>(communicator.size()));
  record.set_summary("dist_backend", communicator.backend());
  record.set_summary("device", s.load.device.str());
  record.set_summary("versions", joined({build_info()}, ""));
  record.set_summary("seed", static_cast<std::int64_t>(s.seed));
  for (const auto& [key, value] : s.tags) record.set_summary("tag_" + key, value);
  record.flush();
  try {
    // Tensor memory of the model's device: the CPU tracker or CUDA's caching allocator.
    reset_peak_memory(s.load.device);
    reset_resident_peak();
    const bool random = uses_random_stand_in(s.model);
    const auto load_start = std::chrono::steady_clock::now();
    SentenceEncoder encoder = open_model(s, random ? corpus_of(data.pairs, eval_sets) : std::vector<std::string>{});
    // Loading and training peak apart: a load that held a full-precision copy shows here.
    const double load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
    record.set_summary("load_seconds", load_seconds);
    record.set_summary("peak_resident_load_bytes", resident_peak_bytes());
    log.line(fmt::format("model loaded in {:.1f} s, peak resident memory {:.2f} GiB", load_seconds,
                         resident_peak_bytes() / 1073741824.0));
    reset_resident_peak();
    record.set_summary("random_init", std::int64_t{random ? 1 : 0});
    record.set_summary("params_total", encoder.model()->config().parameter_count());
    record.set_summary("params_non_embedding", encoder.model()->config().non_embedding_parameter_count());
    record.set_summary("base_weights", s.load.base_weights.name());
    record.set_summary("dtype", dtype_name(s.load.dtype));

    RunOutcome outcome;
    const auto on_eval = [&](const EvalRecord& evaluation) {
      for (const StsResult& result : evaluation.results) {
        record.append_eval(result.name, evaluation.step, result.spearman, result.pearson);
      }
      record.flush();
      log.line(fmt::format("eval step {}:{}", evaluation.step, scores_line(evaluation.results)));
      outcome.final_scores = evaluation.results;
    };
    std::int64_t params_trainable = 0;
    if (s.trainer.steps > 0) {
      torch::manual_seed(s.seed);  // LoRA init and dropout, as torch.manual_seed before get_peft_model
      apply_lora(*encoder.model(), s.lora);
      encoder.model()->set_activation_checkpointing(s.activation_checkpointing);
      params_trainable = count_trainable(*encoder.model());
      record.set_summary("params_trainable", params_trainable);
      record.set_summary("train_pairs", static_cast<std::int64_t>(data.pairs.size()));
      record.set_summary("removed_pairs", static_cast<std::int64_t>(removed));
      record.set_summary("malformed_lines", static_cast<std::int64_t>(data.malformed));
      record.flush();
      TrainerOptions options = s.trainer;
      options.stop_requested = &stop_requested();
      options.communicator = &communicator;
      const auto on_step = [&](const StepRecord& step) {  // the logged steps (train.log_every)
        record.append_train(step.step, step.loss, step.learning_rate, step.seconds > 0 ? step.tokens / step.seconds : 0.0);
        record.flush();
      };
      const auto on_checkpoint = [&](const TrainingCheckpoint& checkpoint, const CheckpointReason& reason) {
        if (!writer) return;
        if (reason.scheduled) checkpoints.save_scheduled(checkpoint, record.record());
        if (reason.evaluated) checkpoints.save_if_best(checkpoint, record.record());
        record.flush();
      };
      Trainer trainer(encoder, std::move(data.pairs), eval_sets, options);
      if (resume) trainer.resume_from(std::move(*resume));
      const TrainResult result = trainer.run(on_step, on_eval, on_checkpoint);
      if (result.interrupted) {
        record.set_summary("status", std::string("interrupted"));
        record.set_summary("wall_seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        record.flush();
        log.line(fmt::format("interrupted by signal {} after {} steps; a checkpoint was written, rerun to continue",
                             stop_signal_number(), result.first_step + result.steps_run));
        outcome.interrupted = true;
        return outcome;
      }
      if (writer) save_adapter(*encoder.model(), s.lora, job.folder / "adapter", fs::absolute(s.model.path).string());
      if (writer && !uses_random_stand_in(s.model)) {  // a random stand-in has no base folder to point at
        write_sentence_transformers_folder(job.folder / "sentence-transformers", job.folder / "adapter",
                                           s.encoder.pooling, s.encoder.max_length, encoder.model()->config().hidden_size);
      }
      outcome.tokens_per_second = result.tokens_per_second;
      record.set_summary("optimizer", s.trainer.optimizer.name());
      record.set_summary("optimizer_state_bytes", result.optimizer_state_bytes);
      record.set_summary("optimizer_fraction_8bit", result.optimizer_fraction_8bit);
      record.set_summary("skipped_steps", result.skipped_steps);
      record.set_summary("steps", result.steps_run);
      log.line(fmt::format("optimizer: {}, state {:.2f} MB, {:.1f}% of it in 8 bits, {} update(s) skipped; "
                           "collectives: {} ({} rank(s))", s.trainer.optimizer.name(), result.optimizer_state_bytes / 1e6,
                           100.0 * result.optimizer_fraction_8bit, result.skipped_steps, communicator.backend(),
                           communicator.size()));
      log.line(fmt::format("train: {} steps in {:.1f} s, {:.0f} tokens/s, final loss {:.4f}", result.steps_run,
                           result.train_seconds, result.tokens_per_second,
                           result.steps.empty() ? 0.0 : result.steps.back().loss));
    } else {
      record.set_summary("params_trainable", std::int64_t{0});
      encoder.model()->eval();
      encoder.shard_encoding(&communicator);
      EvalRecord evaluation;
      evaluation.results = eval_sets.evaluate(encoder);
      on_eval(evaluation);
      std::int64_t tokens = 0;
      double seconds = 0;
      for (const StsResult& result : evaluation.results) {
        tokens += result.tokens;
        seconds += result.seconds;
      }
      outcome.tokens_per_second = seconds > 0 ? tokens / seconds : 0.0;
    }
    outcome.peak_memory_bytes = peak_memory_bytes(s.load.device);
    outcome.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    record.set_summary("tokens_per_second", outcome.tokens_per_second);
    record.set_summary("peak_memory_bytes", outcome.peak_memory_bytes);
    record.set_summary("peak_resident_bytes", resident_peak_bytes());
    record.set_summary("wall_seconds", outcome.wall_seconds);
    record.set_summary("status", std::string("completed"));
    record.flush();
    log.line(fmt::format("completed in {:.1f} s, peak tensor memory {:.1f} MB", outcome.wall_seconds,
                         outcome.peak_memory_bytes / 1e6));
    return outcome;
  } catch (const std::exception& e) {
    record.set_summary("status", std::string("failed"));
    record.set_summary("error", std::string(e.what()));
    record.set_summary("wall_seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    record.flush();
    log.line(std::string("failed: ") + e.what());
    throw;
  }
}

}  // namespace lacos
