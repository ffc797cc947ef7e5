// run.h5: everything one run produces that reports read (schema in docs/experiments.md).
//   /config                 resolved YAML (UTF-8 string)
//   /overrides              the command-line overrides of this run, one per line
//   /summary                attributes: status (running, completed, interrupted, failed), model,
//                           params_total, params_trainable, peak_memory_bytes, tokens_per_second,
//                           wall_seconds, world_size, device, versions, schema_version, ...
//   /train/{step,loss,lr,tokens_per_second}          one row per logged step
//   /eval/<set>/{step,spearman,pearson}              one row per evaluation (x100)
//   /eval/<set>/{spearman,pearson}_{low,high}        its bootstrap confidence interval (schema 2)
//   /eval/<set>/pairs/{predicted,gold}, attribute step   the latest evaluation's cosine and gold
//                                                    score of every pair (schema 2)
//   /eval/<set>, attribute kind="bitext": {step,accuracy,accuracy_low,accuracy_high,to_english,
//                           from_english,margin_to_english,margin_from_english}  bitext mining (schema 3)
//   /checkpoints/{step,path}                         one row per checkpoint kept
// The record lives in memory and every flush writes the whole file under a temporary name,
// fsyncs it and renames it into place. HDF5 1.10 files are not crash-consistent between
// flushes; this way a killed writer leaves the previous complete file, which h5py can read.
#pragma once

#include "io/h5_file.h"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

// 2: confidence intervals and per-pair scores under /eval (files of schema 1 still read: NaN
// intervals, no pairs). 3: bitext-mining sets under /eval (older files have none).
inline constexpr std::int64_t kRunH5SchemaVersion = 3;

// /summary's status: written `running` first, then exactly one of the others.
enum class RunStatus { running, completed, interrupted, failed };
const char* run_status_name(RunStatus status);

// checkpoint-NNNNNNNN.h5: the only names /checkpoints/path may hold (read_run_h5 refuses others).
bool is_checkpoint_file_name(const std::string& name);

struct TrainSeries {
  std::vector<std::int64_t> step;
  std::vector<double> loss, lr, tokens_per_second;
};

// One evaluation of one set (x100); intervals NaN where not computed.
struct EvalRow {
  double spearman = 0.0, pearson = 0.0;
  double spearman_low = kNaN, spearman_high = kNaN, pearson_low = kNaN, pearson_high = kNaN;
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
};

struct EvalSeries {
  std::vector<std::int64_t> step;
  std::vector<double> spearman, pearson;
  std::vector<double> spearman_low, spearman_high, pearson_low, pearson_high;
  // The latest evaluation's cosine and gold score of every pair, in the set's order: what a paired
  // bootstrap between two runs resamples. pairs_step -1: none.
  std::int64_t pairs_step = -1;
  std::vector<double> predicted, gold;

  void append(std::int64_t at_step, const EvalRow& row);
  void resize(std::size_t rows);
};

// One evaluation of one bitext-mining set (eval/bitext_evaluator.h), accuracies x100.
struct BitextRow {
  double accuracy = 0.0;  // mean of to_english and from_english
  double accuracy_low = EvalRow::kNaN, accuracy_high = EvalRow::kNaN;
  double to_english = 0.0, from_english = 0.0, margin_to_english = 0.0, margin_from_english = 0.0;
};

struct BitextSeries {
  std::vector<std::int64_t> step;
  std::vector<double> accuracy, accuracy_low, accuracy_high;
  std::vector<double> to_english, from_english, margin_to_english, margin_from_english;

  void append(std::int64_t at_step, const BitextRow& row);
  void resize(std::size_t rows);
  // Every column but step, by its name in run.h5.
  std::vector<std::pair<const char*, std::vector<double>*>> columns();
};

struct RunRecord {
  std::string config_yaml;
  std::string overrides;
  std::map<std::string, H5Scalar> summary;
  TrainSeries train;
  std::vector<std::pair<std::string, EvalSeries>> eval;           // STS sets, in declaration order
  std::vector<std::pair<std::string, BitextSeries>> bitext;       // bitext sets, likewise
  std::vector<std::pair<std::int64_t, std::string>> checkpoints;  // step, file name in the run folder

  EvalSeries& eval_series(const std::string& set);
  BitextSeries& bitext_series(const std::string& set);
  // A /summary value as a number (integers widened) or text; 0 or "" when absent or of the other kind.
  double summary_number(const std::string& key) const;
  std::string summary_text(const std::string& key) const;
  // The status in /summary; nullopt when absent or not one of RunStatus's names.
  std::optional<RunStatus> status() const;
  // Drops rows after `step` (train rows with step >= it, evaluations after it): resuming from a
  // checkpoint taken after `step` steps repeats what followed.
  void truncate_to(std::int64_t steps_completed);
};

void write_run_h5(const std::filesystem::path& path, const RunRecord& record);
RunRecord read_run_h5(const std::filesystem::path& path);

// The writer lacos-exp uses: a record plus the file it is flushed to.
class RunH5 {
 public:
  // A new record (status=running), flushed at once.
  RunH5(const std::filesystem::path& path, const std::string& config_yaml, const std::string& overrides,
        const std::vector<std::string>& eval_sets, const std::vector<std::string>& bitext_sets = {});
  // An existing record, continued (resume).
  RunH5(const std::filesystem::path& path, RunRecord record);

  void set_summary(const std::string& key, const H5Scalar& value) { record_.summary[key] = value; }
  void set_status(RunStatus status) { set_summary("status", std::string(run_status_name(status))); }
  void append_train(std::int64_t step, double loss, double lr, double tokens_per_second);
  void append_eval(const std::string& set, std::int64_t step, const EvalRow& row);
  void append_bitext(const std::string& set, std::int64_t step, const BitextRow& row) {
    record_.bitext_series(set).append(step, row);
  }
  void set_eval_pairs(const std::string& set, std::int64_t step, std::vector<double> predicted,
                      std::vector<double> gold);
  // An empty path keeps the record in memory only (the ranks of a job other than the writer).
  void flush() {
    if (!path_.empty()) write_run_h5(path_, record_);
  }
  RunRecord& record() { return record_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  RunRecord record_;
};

}  // namespace lacos
