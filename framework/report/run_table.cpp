#include "report/run_table.h"

#include "config/config_node.h"
#include "core/error.h"
#include "core/path_status.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace lacos {

namespace fs = std::filesystem;

namespace {

// The resolved configuration without what differs between seeds of one setting.
std::string group_of(const RunRecord& record, const std::string& origin) {
  ConfigNode config = parse_config_text(record.config_yaml, origin);
  erase_path(config, "experiment.seed");
  erase_path(config, "experiment.output_dir");
  return to_yaml(config);
}

void find_runs(const fs::path& input, std::vector<fs::path>& out) {
  if (is_file(input)) {
    out.push_back(input);
    return;
  }
  if (!is_folder(input)) fail("{}: no such run.h5 file or folder", input.string());
  for (const auto& entry : fs::recursive_directory_iterator(input)) {
    if (entry.is_regular_file() && entry.path().filename() == "run.h5") out.push_back(entry.path());
  }
}

}  // namespace

bool is_multilingual_set(const std::string& name) {
  if (name.rfind("sts17-", 0) == 0) return true;
  return name.rfind("stsb-", 0) == 0 && name.size() > 10 && name.compare(name.size() - 5, 5, "-test") == 0 &&
      name != "stsb-test" && name != "stsb-en-test";
}

std::vector<ReportRun> collect_runs(const std::vector<fs::path>& inputs) {
  std::vector<fs::path> files;
  for (const fs::path& input : inputs) find_runs(input, files);
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  if (files.empty()) fail("no run.h5 found under {}", inputs.empty() ? std::string("(no input)") : inputs[0].string());
  std::vector<ReportRun> runs;
  std::map<std::string, int> name_count;
  for (const fs::path& file : files) {
    ReportRun run;
    run.file = file;
    run.record = read_run_h5(file);
    run.name = file.parent_path().filename().string();
    run.experiment = run.record.summary_text("experiment");
    run.model = run.record.summary_text("model");
    run.status = run.record.summary_text("status");
    run.params_total = static_cast<std::int64_t>(run.record.summary_number("params_total"));
    run.params_trainable = static_cast<std::int64_t>(run.record.summary_number("params_trainable"));
    run.seed = static_cast<std::int64_t>(run.record.summary_number("seed"));
    run.peak_memory_bytes = run.record.summary_number("peak_memory_bytes");
    run.tokens_per_second = run.record.summary_number("tokens_per_second");
    run.wall_seconds = run.record.summary_number("wall_seconds");
    double sum = 0;
    int count = 0;
    for (const auto& [set, series] : run.record.eval) {
      if (series.spearman.empty()) continue;
      run.final_score[set] = series.spearman.back();
      run.final_interval[set] = {series.spearman_low.back(), series.spearman_high.back()};
      if (is_multilingual_set(set)) {
        sum += series.spearman.back();
        ++count;
      }
    }
    run.multilingual_mean = count > 0 ? sum / count : std::numeric_limits<double>::quiet_NaN();
    double bitext_sum = 0;
    for (const auto& [set, series] : run.record.bitext) {
      if (series.accuracy.empty()) continue;
      run.final_score[set] = series.accuracy.back();
      run.final_interval[set] = {series.accuracy_low.back(), series.accuracy_high.back()};
      run.bitext_sets.push_back(set);
      bitext_sum += series.accuracy.back();
    }
    run.bitext_mean = run.bitext_sets.empty() ? std::numeric_limits<double>::quiet_NaN()
                                              : bitext_sum / static_cast<double>(run.bitext_sets.size());
    run.group = group_of(run.record, file.string() + ":/config");
    ++name_count[run.name];
    runs.push_back(std::move(run));
  }
  // Runs from different sweeps may share a folder name: name those by sweep and run.
  for (ReportRun& run : runs) {
    if (name_count[run.name] > 1) run.name = run.file.parent_path().parent_path().filename().string() + "/" + run.name;
  }
  return runs;
}

}  // namespace lacos
