#include "experiment/run_recorder.h"

#include "core/dtype.h"
#include "core/stop_signal.h"
#include "distributed/build_info.h"

#include <fmt/ranges.h>

namespace lacos {

namespace {

RunH5 open_record(const RunJob& job, RunFolder& folder, const EvalSuite& eval_sets,
                  const std::optional<TrainingCheckpoint>& resume) {
  std::optional<RunRecord>& previous = folder.previous();
  if (previous && !resume) folder.log().line("no checkpoint of the earlier attempt: starting over");
  if (!previous || !resume) {
    return RunH5(folder.run_h5(), job.config_yaml, fmt::format("{}", fmt::join(job.overrides, "\n")),
                 eval_sets.result_names(), eval_sets.bitext_names());
  }
  previous->truncate_to(resume->steps_completed);
  return RunH5(folder.run_h5(), std::move(*previous));
}

// Spearman x100 of each STS set, bitext accuracy (%) of each bitext set.
std::string scores_line(const EvalRecord& evaluation) {
  std::string out;
  for (const StsResult& result : evaluation.results) out += fmt::format(" {} {:.2f}", result.name, result.spearman);
  for (const BitextResult& result : evaluation.bitext) out += fmt::format(" {} {:.1f}%", result.name, result.accuracy);
  return out;
}

}  // namespace

RunRecorder::RunRecorder(const RunJob& job, RunFolder& folder, const EvalSuite& eval_sets,
                         const std::optional<TrainingCheckpoint>& resume, std::chrono::steady_clock::time_point start)
    : folder_(folder),
      h5_(open_record(job, folder, eval_sets, resume)),
      reserve_(h5_.path().empty() ? DiskReserve() : DiskReserve(h5_.path().string() + ".reserve", kReserveMarginBytes)),
      start_(start) {
  h5_.set_status(RunStatus::running);
  h5_.record().summary.erase("error");
  if (resume) h5_.set_summary("resumed_from_step", resume->steps_completed);
}

double RunRecorder::seconds_since_start() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void RunRecorder::started(const RunJob& job, const RunSettings& s, const Communicator& communicator) {
  h5_.set_summary("experiment", s.experiment);
  h5_.set_summary("run", job.name);
  h5_.set_summary("model", s.model.name);
  h5_.set_summary("model_path", s.model.path.string());
  h5_.set_summary("world_size", static_cast<std::int64_t>(communicator.size()));
  h5_.set_summary("dist_backend", communicator.backend());
  h5_.set_summary("device", s.load.device.str());
  h5_.set_summary("versions", build_info());
  h5_.set_summary("seed", static_cast<std::int64_t>(s.seed));
  for (const auto& [key, value] : s.tags) h5_.set_summary("tag_" + key, value);
  save();
}

void RunRecorder::model_loaded(const BloomConfig& config, const RunSettings& s, bool random, double seconds,
                               std::int64_t peak_resident_bytes) {
  // Loading and training peak apart: a load that held a full-precision copy shows here.
  h5_.set_summary("load_seconds", seconds);
  h5_.set_summary("peak_resident_load_bytes", peak_resident_bytes);
  h5_.set_summary("random_init", std::int64_t{random ? 1 : 0});
  h5_.set_summary("params_total", config.parameter_count());
  h5_.set_summary("params_non_embedding", config.non_embedding_parameter_count());
  h5_.set_summary("base_weights", s.load.base_weights.name());
  h5_.set_summary("dtype", dtype_name(s.load.dtype));
  h5_.set_summary("params_trainable", std::int64_t{0});  // until LoRA is added
  log(fmt::format("model loaded in {:.1f} s, peak resident memory {:.2f} GiB", seconds,
                  peak_resident_bytes / 1073741824.0));
}

void RunRecorder::training_plan(std::int64_t params_trainable, std::int64_t pairs, std::size_t removed,
                                std::size_t malformed) {
  h5_.set_summary("params_trainable", params_trainable);
  h5_.set_summary("train_pairs", pairs);
  h5_.set_summary("removed_pairs", static_cast<std::int64_t>(removed));
  h5_.set_summary("malformed_lines", static_cast<std::int64_t>(malformed));
  save();
}

void RunRecorder::step(const StepRecord& step) {
  h5_.append_train(step.step, step.loss, step.learning_rate, step.seconds > 0 ? step.tokens / step.seconds : 0.0);
  // run.h5 is rewritten whole at each save (a 100k-step record is ~3 MB), so logged steps save it
  // at most every kStepSaveSeconds; evaluations, checkpoints and the end of the run always save.
  // Nothing is lost by waiting: a resumed run cuts its record back to the checkpoint anyway.
  if (std::chrono::steady_clock::now() - last_save_ >= std::chrono::seconds(kStepSaveSeconds)) save();
}

void RunRecorder::evaluation(const EvalRecord& evaluation) {
  for (const StsResult& result : evaluation.results) {
    EvalRow row;
    row.spearman = result.spearman;
    row.pearson = result.pearson;
    row.spearman_low = result.spearman_interval.low;
    row.spearman_high = result.spearman_interval.high;
    row.pearson_low = result.pearson_interval.low;
    row.pearson_high = result.pearson_interval.high;
    h5_.append_eval(result.name, evaluation.step, row);
    if (!result.predicted.empty()) h5_.set_eval_pairs(result.name, evaluation.step, result.predicted, result.gold);
  }
  for (const BitextResult& result : evaluation.bitext) {
    BitextRow row;
    row.accuracy = result.accuracy;
    row.accuracy_low = result.accuracy_interval.low;
    row.accuracy_high = result.accuracy_interval.high;
    row.to_english = result.to_english;
    row.from_english = result.from_english;
    row.margin_to_english = result.margin_to_english;
    row.margin_from_english = result.margin_from_english;
    h5_.append_bitext(result.name, evaluation.step, row);
  }
  save();
  log(fmt::format("eval step {}:{}", evaluation.step, scores_line(evaluation)));
}

void RunRecorder::training_done(const TrainResult& result, const RunSettings& s, const Communicator& communicator) {
  h5_.set_summary("optimizer", s.trainer.optimizer.name());
  h5_.set_summary("optimizer_state_bytes", result.optimizer_state_bytes);
  h5_.set_summary("optimizer_fraction_8bit", result.optimizer_fraction_8bit);
  h5_.set_summary("skipped_steps", result.skipped_steps);
  h5_.set_summary("steps", result.steps_run);
  log(fmt::format(
      "optimizer: {}, state {:.2f} MB, {:.1f}% of it in 8 bits, {} update(s) skipped; collectives: {} "
      "({} rank(s))",
      s.trainer.optimizer.name(), result.optimizer_state_bytes / 1e6, 100.0 * result.optimizer_fraction_8bit,
      result.skipped_steps, communicator.backend(), communicator.size()));
  log(fmt::format("train: {} steps in {:.1f} s, {:.0f} tokens/s, final loss {:.4f}", result.steps_run,
                  result.train_seconds, result.tokens_per_second,
                  result.steps.empty() ? 0.0 : result.steps.back().loss));
}

void RunRecorder::interrupted(const TrainResult& result) {
  h5_.set_status(RunStatus::interrupted);
  h5_.set_summary("wall_seconds", seconds_since_start());
  save();
  log(fmt::format("interrupted by signal {} after {} steps; a checkpoint was written, rerun to continue",
                  stop_signal_number(), result.first_step + result.steps_run));
}

void RunRecorder::completed(const RunOutcome& outcome, std::int64_t peak_resident_bytes) {
  h5_.set_summary("tokens_per_second", outcome.tokens_per_second);
  h5_.set_summary("peak_memory_bytes", outcome.peak_memory_bytes);
  h5_.set_summary("peak_resident_bytes", peak_resident_bytes);
  h5_.set_summary("wall_seconds", outcome.wall_seconds);
  h5_.set_status(RunStatus::completed);
  save();
  log(fmt::format("completed in {:.1f} s, peak tensor memory {:.1f} MB", outcome.wall_seconds,
                  outcome.peak_memory_bytes / 1e6));
}

void RunRecorder::failed(const std::exception& error) {
  // The reserve's space is for this last write (a full disk is a common reason to be here).
  reserve_.release();
  h5_.set_status(RunStatus::failed);
  h5_.set_summary("error", std::string(error.what()));
  h5_.set_summary("wall_seconds", seconds_since_start());
  try {
    h5_.flush();
  } catch (const std::exception& also) {  // the original error is the one to report
    log(std::string("could not record the failure in run.h5: ") + also.what());
  }
  log(std::string("failed: ") + error.what());
}

void RunRecorder::save() {
  // Room for run.h5 twice (the old file and the new one written beside it) plus a margin, set
  // aside before each write, so that the failure can still be recorded when the disk fills.
  if (!h5_.path().empty()) {
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(h5_.path(), error);
    reserve_.ensure(kReserveMarginBytes + 2 * (error ? 0 : size));
  }
  h5_.flush();
  last_save_ = std::chrono::steady_clock::now();
}

RunOutcome outcome_of(const RunRecord& record) {
  RunOutcome outcome;
  outcome.skipped = true;

  outcome.tokens_per_second = record.summary_number("tokens_per_second");
  outcome.peak_memory_bytes = static_cast<std::int64_t>(record.summary_number("peak_memory_bytes"));
  outcome.wall_seconds = record.summary_number("wall_seconds");
  for (const auto& [name, series] : record.eval) {
    if (series.spearman.empty()) continue;
    StsResult result;
    result.name = name;
    result.spearman = series.spearman.back();
    result.pearson = series.pearson.back();
    outcome.final_scores.push_back(result);
  }
  for (const auto& [name, series] : record.bitext) {
    if (series.accuracy.empty()) continue;
    BitextResult result;
    result.name = name;
    result.accuracy = series.accuracy.back();
    outcome.final_bitext.push_back(result);
  }
  return outcome;
}

}  // namespace lacos
