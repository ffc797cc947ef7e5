#include "io/run_h5.h"

#include "core/error.h"
#include "io/h5_file.h"

#include <algorithm>

namespace lacos {

namespace fs = std::filesystem;

bool is_checkpoint_file_name(const std::string& name) {
  const std::string prefix = "checkpoint-", suffix = ".h5";
  if (name.size() != prefix.size() + 8 + suffix.size() || name.rfind(prefix, 0) != 0) return false;
  if (name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  return std::all_of(name.begin() + prefix.size(), name.end() - suffix.size(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

const char* run_status_name(RunStatus status) {
  switch (status) {
    case RunStatus::running: return "running";
    case RunStatus::completed: return "completed";
    case RunStatus::interrupted: return "interrupted";
    case RunStatus::failed: return "failed";
  }
  return "unknown";
}

double RunRecord::summary_number(const std::string& key) const {
  const auto it = summary.find(key);
  if (it == summary.end()) return 0.0;
  if (const auto* d = std::get_if<double>(&it->second)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&it->second)) return static_cast<double>(*i);
  return 0.0;
}

std::string RunRecord::summary_text(const std::string& key) const {
  const auto it = summary.find(key);
  if (it == summary.end()) return "";
  if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
  return "";
}

std::optional<RunStatus> RunRecord::status() const {
  const auto it = summary.find("status");
  if (it == summary.end() || !std::holds_alternative<std::string>(it->second)) return std::nullopt;
  for (RunStatus status : {RunStatus::running, RunStatus::completed, RunStatus::interrupted, RunStatus::failed}) {
    if (std::get<std::string>(it->second) == run_status_name(status)) return status;
  }
  return std::nullopt;
}

namespace {

// The series of `set` in `mine`, added if new; one name may not be an STS and a bitext set at once.
template <typename Series, typename OtherSeries>
Series& find_or_add_series(std::vector<std::pair<std::string, Series>>& mine,
                           const std::vector<std::pair<std::string, OtherSeries>>& others, const std::string& set) {
  for (auto& [name, series] : mine)
    if (name == set) return series;
  for (const auto& entry : others)
    if (entry.first == set) fail("eval set name '{}' names both an STS and a bitext set", set);
  if (set.empty() || set.find('/') != std::string::npos) fail("eval set name '{}' cannot name an HDF5 group", set);
  mine.emplace_back(set, Series{});
  return mine.back().second;
}

}  // namespace

EvalSeries& RunRecord::eval_series(const std::string& set) { return find_or_add_series(eval, bitext, set); }

BitextSeries& RunRecord::bitext_series(const std::string& set) { return find_or_add_series(bitext, eval, set); }

std::vector<std::pair<const char*, std::vector<double>*>> BitextSeries::columns() {
  return {{"accuracy", &accuracy},
          {"accuracy_low", &accuracy_low},
          {"accuracy_high", &accuracy_high},
          {"to_english", &to_english},
          {"from_english", &from_english},
          {"margin_to_english", &margin_to_english},
          {"margin_from_english", &margin_from_english}};
}

void BitextSeries::append(std::int64_t at_step, const BitextRow& row) {
  step.push_back(at_step);
  const double values[] = {row.accuracy,     row.accuracy_low,      row.accuracy_high,      row.to_english,
                           row.from_english, row.margin_to_english, row.margin_from_english};
  std::size_t i = 0;
  for (const auto& column : columns()) column.second->push_back(values[i++]);
}

void BitextSeries::resize(std::size_t rows) {
  step.resize(rows);
  for (const auto& column : columns()) column.second->resize(rows, EvalRow::kNaN);
}

void EvalSeries::append(std::int64_t at_step, const EvalRow& row) {
  step.push_back(at_step);
  spearman.push_back(row.spearman);
  pearson.push_back(row.pearson);
  spearman_low.push_back(row.spearman_low);
  spearman_high.push_back(row.spearman_high);
  pearson_low.push_back(row.pearson_low);
  pearson_high.push_back(row.pearson_high);
}

void EvalSeries::resize(std::size_t rows) {
  step.resize(rows);
  for (std::vector<double>* column : {&spearman, &pearson, &spearman_low, &spearman_high, &pearson_low, &pearson_high})
    column->resize(rows, EvalRow::kNaN);
}

void RunRecord::truncate_to(std::int64_t steps_completed) {
  std::size_t keep = 0;
  while (keep < train.step.size() && train.step[keep] < steps_completed) ++keep;
  train.step.resize(keep);
  train.loss.resize(keep);
  train.lr.resize(keep);
  train.tokens_per_second.resize(keep);
  for (auto& [name, series] : eval) {
    std::size_t kept = 0;
    while (kept < series.step.size() && series.step[kept] <= steps_completed) ++kept;
    series.resize(kept);
    if (series.pairs_step > steps_completed) {  // from an evaluation the resumed run repeats
      series.pairs_step = -1;
      series.predicted.clear();
      series.gold.clear();
    }
  }
  for (auto& entry : bitext) {
    std::size_t kept = 0;
    while (kept < entry.second.step.size() && entry.second.step[kept] <= steps_completed) ++kept;
    entry.second.resize(kept);
  }
  checkpoints.erase(std::remove_if(checkpoints.begin(), checkpoints.end(),
                                   [&](const auto& checkpoint) { return checkpoint.first > steps_completed; }),
                    checkpoints.end());
}

void write_run_h5(const fs::path& path, const RunRecord& record) {
  H5File file = H5File::create(path);
  const H5Group& root = file.root();
  root.write_string("config", record.config_yaml);
  root.write_string("overrides", record.overrides);
  const H5Group summary = root.create_group("summary");
  for (const auto& [key, value] : record.summary) summary.set_attribute(key, value);
  const H5Group train = root.create_group("train");
  train.write_series("step", record.train.step);
  train.write_series("loss", record.train.loss);
  train.write_series("lr", record.train.lr);
  train.write_series("tokens_per_second", record.train.tokens_per_second);
  const H5Group eval = root.create_group("eval");
  for (const auto& entry : record.eval) {
    const EvalSeries& series = entry.second;  // a plain reference: the lambda below captures it
    const H5Group set = eval.create_group(entry.first);
    set.write_series("step", series.step);
    // A record filled column by column may lack intervals: NaN, one per row.
    const auto rows = [&](std::vector<double> column) {
      column.resize(series.step.size(), EvalRow::kNaN);
      return column;
    };
    set.write_series("spearman", rows(series.spearman));
    set.write_series("pearson", rows(series.pearson));
    set.write_series("spearman_low", rows(series.spearman_low));
    set.write_series("spearman_high", rows(series.spearman_high));
    set.write_series("pearson_low", rows(series.pearson_low));
    set.write_series("pearson_high", rows(series.pearson_high));
    if (series.pairs_step >= 0) {
      const H5Group pairs = set.create_group("pairs");
      pairs.set_attribute("step", series.pairs_step);
      pairs.write_series("predicted", series.predicted);
      pairs.write_series("gold", series.gold);
    }
  }
  for (const auto& entry : record.bitext) {
    BitextSeries series = entry.second;  // columns() hands out pointers to a copy we may pad
    const H5Group set = eval.create_group(entry.first);
    set.set_attribute("kind", std::string("bitext"));
    set.write_series("step", series.step);
    for (const auto& [name, column] : series.columns()) {
      column->resize(series.step.size(), EvalRow::kNaN);
      set.write_series(name, *column);
    }
  }
  const H5Group checkpoints = root.create_group("checkpoints");
  std::vector<std::int64_t> steps;
  std::vector<std::string> files;
  for (const auto& [step, file_name] : record.checkpoints) {
    steps.push_back(step);
    files.push_back(file_name);
  }
  checkpoints.write_series("step", steps);
  checkpoints.write_strings("path", files);
  file.commit();
}

namespace {

void read_eval_series(const fs::path& path, const std::string& name, const H5Group& set, EvalSeries& series) {
  series.step = set.read_series<std::int64_t>("step");
  const std::size_t rows = series.step.size();
  const auto column = [&](const char* member) {
    // The intervals are absent in schema 1: NaN.
    std::vector<double> values =
        set.has(member) ? set.read_series<double>(member) : std::vector<double>(rows, EvalRow::kNaN);
    if (values.size() != rows) {
      fail("{}: /eval/{}/{} has {} rows but /eval/{}/step has {}", path.string(), name, member, values.size(), name,
           rows);
    }
    return values;
  };
  series.spearman = column("spearman");
  series.pearson = column("pearson");
  series.spearman_low = column("spearman_low");
  series.spearman_high = column("spearman_high");
  series.pearson_low = column("pearson_low");
  series.pearson_high = column("pearson_high");
  if (!set.has("pairs")) return;
  const H5Group pairs = set.open_group("pairs");
  const auto attributes = pairs.attributes();
  const auto step = attributes.find("step");
  if (step == attributes.end() || !std::holds_alternative<std::int64_t>(step->second))
    fail("{}: /eval/{}/pairs has no integer attribute 'step'", path.string(), name);
  series.pairs_step = std::get<std::int64_t>(step->second);
  series.predicted = pairs.read_series<double>("predicted");
  series.gold = pairs.read_series<double>("gold");
  if (series.predicted.size() != series.gold.size()) {
    fail("{}: /eval/{}/pairs holds {} predictions but {} gold scores", path.string(), name, series.predicted.size(),
         series.gold.size());
  }
}

void read_bitext_series(const fs::path& path, const std::string& name, const H5Group& set, BitextSeries& series) {
  series.step = set.read_series<std::int64_t>("step");
  for (const auto& [member, column] : series.columns()) {
    *column = set.read_series<double>(member);
    if (column->size() != series.step.size()) {
      fail("{}: /eval/{}/{} has {} rows but /eval/{}/step has {}", path.string(), name, member, column->size(), name,
           series.step.size());
    }
  }
}

bool is_bitext_group(const fs::path& path, const std::string& name, const H5Group& set) {
  const auto attributes = set.attributes();
  const auto kind = attributes.find("kind");
  if (kind == attributes.end()) return false;
  const auto* text = std::get_if<std::string>(&kind->second);
  if (text == nullptr || *text != "bitext")
    fail("{}: /eval/{} has attribute 'kind' but not the text \"bitext\" (the only kind written)", path.string(), name);
  return true;
}

}  // namespace

RunRecord read_run_h5(const fs::path& path) {
  const H5File file = H5File::open_read_only(path, "run file");
  const H5Group& root = file.root();
  RunRecord record;
  record.config_yaml = root.read_string("config");
  record.overrides = root.read_string("overrides");
  record.summary = root.open_group("summary").attributes();
  const H5Group train = root.open_group("train");
  record.train.step = train.read_series<std::int64_t>("step");
  record.train.loss = train.read_series<double>("loss");
  record.train.lr = train.read_series<double>("lr");
  record.train.tokens_per_second = train.read_series<double>("tokens_per_second");
  const H5Group eval = root.open_group("eval");
  for (const std::string& name : eval.members()) {  // in the order they were declared
    const H5Group set = eval.open_group(name);
    if (is_bitext_group(path, name, set)) {
      read_bitext_series(path, name, set, record.bitext_series(name));
    } else {
      read_eval_series(path, name, set, record.eval_series(name));
    }
  }
  if (root.has("checkpoints")) {  // absent in runs written before checkpoints
    const H5Group checkpoints = root.open_group("checkpoints");
    const auto steps = checkpoints.read_series<std::int64_t>("step");
    const auto files = checkpoints.read_strings("path");
    for (std::size_t i = 0; i < steps.size() && i < files.size(); ++i) {
      // Resuming loads these and rotation deletes them: only the names lacos writes, in the run
      // folder itself, never a path a crafted file chose.
      if (!is_checkpoint_file_name(files[i])) {
        fail("{}: /checkpoints/path lists '{}', which is not a checkpoint name lacos writes (checkpoint-NNNNNNNN.h5)",
             path.string(), files[i]);
      }
      record.checkpoints.emplace_back(steps[i], files[i]);
    }
  }
  return record;
}

RunH5::RunH5(const fs::path& path, const std::string& config_yaml, const std::string& overrides,
             const std::vector<std::string>& eval_sets, const std::vector<std::string>& bitext_sets)
    : path_(path) {
  record_.config_yaml = config_yaml;
  record_.overrides = overrides;
  for (const std::string& set : eval_sets) record_.eval_series(set);
  for (const std::string& set : bitext_sets) record_.bitext_series(set);
  record_.summary["schema_version"] = kRunH5SchemaVersion;
  set_status(RunStatus::running);
  flush();
}

RunH5::RunH5(const fs::path& path, RunRecord record) : path_(path), record_(std::move(record)) {
  // A record of an older schema continues in the current layout (its old rows' intervals are NaN).
  record_.summary["schema_version"] = kRunH5SchemaVersion;
}

void RunH5::append_train(std::int64_t step, double loss, double lr, double tokens_per_second) {
  record_.train.step.push_back(step);
  record_.train.loss.push_back(loss);
  record_.train.lr.push_back(lr);
  record_.train.tokens_per_second.push_back(tokens_per_second);
}

void RunH5::append_eval(const std::string& set, std::int64_t step, const EvalRow& row) {
  record_.eval_series(set).append(step, row);
}

void RunH5::set_eval_pairs(const std::string& set, std::int64_t step, std::vector<double> predicted,
                           std::vector<double> gold) {
  EvalSeries& series = record_.eval_series(set);
  series.pairs_step = step;
  series.predicted = std::move(predicted);
  series.gold = std::move(gold);
}

}  // namespace lacos
