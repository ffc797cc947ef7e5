#include "experiment/sweep_runner.h"

#include "config/composer.h"
#include "config/config_schema.h"
#include "config/sweep_plan.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/path_status.h"
#include "core/stop_signal.h"
#include "distributed/make_communicator.h"
#include "distributed/process_placement.h"
#include "distributed/rank_agreement.h"
#include "experiment/model_source.h"
#include "experiment/run_job.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>

namespace lacos {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> override_texts(const std::vector<ConfigOverride>& overrides) {
  std::vector<std::string> texts;
  for (const ConfigOverride& override_ : overrides) texts.push_back(override_.text);
  return texts;
}

void check_inputs_exist(const RunJob& job) {
  const std::string origin = fmt::format("run {}", job.name);
  check_model_available(job.settings.model, origin);
  auto check = [&](const fs::path& path, const char* key) {
    if (!path_exists(path)) {
      fail(
          "{}: {} file {} not found (data.root = {}; set LACOS_DATA or data.root, or fetch the public datasets with "
          "launch/download-data.sh)",
          origin, key, path.string(), job.settings.data_root.string());
    }
  };
  if (job.settings.trainer.steps > 0) {
    for (const auto& path : job.settings.pair_files) check(path, "data.pairs");
    for (const auto& path : job.settings.nli_files) check(path, "data.nli");
  }
  for (const auto& path : job.settings.eval_paths) check(path, "eval.sets");
}

std::string summary_table(const std::vector<RunJob>& jobs, const std::vector<RunOutcome>& outcomes,
                          const std::vector<std::string>& statuses) {
  std::vector<std::string> sets;
  for (const RunOutcome& outcome : outcomes) {
    for (const StsResult& result : outcome.final_scores) {
      if (std::find(sets.begin(), sets.end(), result.name) == sets.end()) sets.push_back(result.name);
    }
    for (const BitextResult& result : outcome.final_bitext) {
      if (std::find(sets.begin(), sets.end(), result.name) == sets.end()) sets.push_back(result.name);
    }
  }
  std::string table = "| run | status |";
  for (const std::string& set : sets) table += " " + set + " |";
  table += " tokens/s | peak tensor MB | seconds |\n|---|---|";
  for (std::size_t i = 0; i < sets.size() + 3; ++i) table += "---|";
  table += "\n";
  for (std::size_t r = 0; r < jobs.size(); ++r) {
    table += fmt::format("| {} | {} |", jobs[r].name, statuses[r]);
    std::map<std::string, double> scores;
    for (const StsResult& result : outcomes[r].final_scores) scores[result.name] = result.spearman;
    for (const BitextResult& result : outcomes[r].final_bitext) scores[result.name] = result.accuracy;
    for (const std::string& set : sets) table += scores.count(set) ? fmt::format(" {:.2f} |", scores[set]) : " |";
    table += fmt::format(" {:.0f} | {:.1f} | {:.1f} |\n", outcomes[r].tokens_per_second,
                         outcomes[r].peak_memory_bytes / 1e6, outcomes[r].wall_seconds);
  }
  return table;
}

// A run as an earlier invocation left it: its own resolved config.yaml and overrides.txt.
RunJob job_from_folder(const fs::path& folder) {
  ConfigNode config = load_config_file(folder / "config.yaml");
  check_known_keys(config);
  check_types(config);
  RunJob job;
  job.name = folder.filename().string();
  job.folder = folder;
  job.settings = read_run_settings(config);
  job.config_yaml = to_yaml(config);
  std::ifstream overrides(folder / "overrides.txt");
  for (std::string line; std::getline(overrides, line);)
    if (!line.empty()) job.overrides.push_back(line);
  return job;
}

std::vector<RunJob> jobs_to_resume(const fs::path& folder) {
  if (!is_folder(folder)) fail("--resume {}: no such folder", folder.string());
  if (path_exists(folder / "config.yaml")) return {job_from_folder(folder)};
  std::vector<fs::path> runs;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.is_directory() && path_exists(entry.path() / "config.yaml")) runs.push_back(entry.path());
  }
  if (runs.empty())
    fail("--resume {}: neither a run folder (config.yaml) nor a sweep folder holding runs", folder.string());
  std::sort(runs.begin(), runs.end());
  std::vector<RunJob> jobs;
  for (const fs::path& run : runs) jobs.push_back(job_from_folder(run));
  return jobs;
}

int run_jobs(Communicator& control, const std::vector<RunJob>& jobs, const fs::path& sweep,
             const std::string& description);

// The job's control plane: MPI across the ranks, or the single process.
std::shared_ptr<Communicator> control_communicator() {
  const DistOptions options;  // backend auto on the CPU: the single process on one rank, MPI otherwise
  return make_communicator(options, torch::kCPU, &stop_requested());
}

std::string all_configurations(const std::vector<RunJob>& jobs) {
  std::string text;
  for (const RunJob& job : jobs) text += "# run " + job.name + " in " + job.folder.string() + "\n" + job.config_yaml;
  return text;
}

}  // namespace

int run_sweep(const SweepRequest& request) {
  install_stop_signal_handlers();
  const std::shared_ptr<Communicator> control = control_communicator();
  if (!request.resume.empty()) {
    const std::vector<RunJob> jobs = jobs_to_resume(request.resume);
    for (const RunJob& job : jobs) check_inputs_exist(job);
    require_same_on_all_ranks(*control, all_configurations(jobs), "resolved configuration");
    return run_jobs(
        *control, jobs,
        jobs.size() == 1 && jobs[0].folder == request.resume ? request.resume.parent_path() : request.resume,
        "resumed " + request.resume.string());
  }
  const ExperimentComposer composer(request.experiment_file);
  const std::vector<PlannedRun> plan = plan_sweep(composer, request.overrides, request.multirun);
  if (!request.run_folder.empty() && plan.size() != 1) {
    fail("{}: one run folder holds one run, but the overrides plan {}", request.run_folder.string(), plan.size());
  }
  // Rank 0's clock for ${now:...}: ranks started a second apart must name the same folder.
  const std::time_t now =
      static_cast<std::time_t>(std::stoll(control->broadcast_text(std::to_string(std::time(nullptr)), 0)));

  // Every run is composed and checked before anything runs.
  std::vector<RunJob> jobs;
  std::vector<ConfigNode> configs;
  for (const PlannedRun& planned : plan) {
    ComposedConfig composed = composer.compose(planned.overrides, now);
    RunJob job;
    job.name = planned.name;
    job.settings = read_run_settings(composed.config);
    job.folder = request.run_folder.empty() ? sweep_folder(composed.config) / planned.name : request.run_folder;
    job.config_yaml = to_yaml(composed.config);
    job.overrides = override_texts(planned.overrides);
    configs.push_back(std::move(composed.config));
    jobs.push_back(std::move(job));
  }

  if (request.print_config) {
    for (const RunJob& job : jobs) {
      if (jobs.size() > 1) std::cout << "# run: " << job.name << "\n";
      std::cout << job.config_yaml;
    }
    return 0;
  }
  if (request.dry_run) {
    const auto differences = resolved_differences(configs);
    std::cout << fmt::format("{} run(s) of {} into {}\n", jobs.size(), request.experiment_file.string(),
                             sweep_folder(configs[0]).string());
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      std::cout << fmt::format("  [{}] {}\n", i, jobs[i].name);
      for (const std::string& difference : differences[i]) std::cout << "        " << difference << "\n";
      if (uses_random_stand_in(jobs[i].settings.model)) {
        std::cout << "        (model folder absent: a random-initialised stand-in will be used)\n";
      } else if (!is_folder(jobs[i].settings.model.path)) {
        std::cout << "        (model folder absent: this run would stop; see model.hub_id for the download)\n";
      }
    }
    return 0;
  }

  for (const RunJob& job : jobs) check_inputs_exist(job);
  require_same_on_all_ranks(*control, all_configurations(jobs), "resolved configuration");
  const std::string description = fmt::format(
      "experiment: {}\ncommand-line overrides: {}",
      request.experiment_file.empty() ? "(none)" : request.experiment_file.string(), fmt::join(request.overrides, " "));
  return run_jobs(*control, jobs, request.run_folder.empty() ? sweep_folder(configs[0]) : request.run_folder,
                  description);
}

namespace {

int run_jobs(Communicator& control, const std::vector<RunJob>& jobs, const fs::path& sweep,
             const std::string& description) {
  // Rank 0 alone writes and reports; the other ranks only compute.
  const bool writer = control.rank() == 0;
  const ThreadSetup threads = configure_threads_for_this_rank(jobs[0].settings.threads);
  if (!threads.note.empty() && writer) std::fprintf(stderr, "lacos-exp: %s\n", threads.note.c_str());
  if (writer) {
    fs::create_directories(sweep);
    std::string listing = description + "\nruns:\n";
    for (const RunJob& job : jobs) listing += "  " + job.name + "\n";
    write_file_bytes(sweep / "sweep.txt", listing, /*append=*/true);
    // Every run's configuration now, not when the run starts: `--resume` on the sweep folder then
    // finds the runs that never started as well, and a sweep killed in its first run completes.
    for (const RunJob& job : jobs) {
      if (!path_exists(job.folder / "config.yaml")) write_run_configuration(job);
    }
    std::fprintf(stderr, "lacos-exp: %zu run(s), %d rank(s), %d thread(s) per rank, results in %s\n", jobs.size(),
                 control.size(), threads.threads, sweep.string().c_str());
  }

  std::vector<RunOutcome> outcomes(jobs.size());
  std::vector<std::string> statuses(jobs.size(), "not run");
  int failures = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (writer) std::fprintf(stderr, "lacos-exp: run %zu/%zu: %s\n", i + 1, jobs.size(), jobs[i].name.c_str());
    try {
      const std::shared_ptr<Communicator> communicator =
          make_communicator(jobs[i].settings.dist, jobs[i].settings.load.device, &stop_requested());
      outcomes[i] = run_job(jobs[i], *communicator);
      statuses[i] = outcomes[i].skipped ? "completed earlier" : run_status_name(outcomes[i].status);
      if (outcomes[i].status == RunStatus::interrupted) break;
    } catch (const DistributedError&) {
      throw;  // the job itself is failing: no further runs
    } catch (const Error& e) {
      if (jobs.size() == 1 || control.distributed()) throw;  // one run: its error is the one line to show
      statuses[i] = "failed";
      ++failures;
      std::fprintf(stderr, "lacos-exp: run %s failed: %s\n", jobs[i].name.c_str(), e.what());
    }
  }
  if (writer) {
    const std::string table = summary_table(jobs, outcomes, statuses);
    write_file_bytes(sweep / "summary.md", table);
    std::cout << "Spearman x100 of cosine similarity (bitext sets: retrieval accuracy %), last evaluation of each "
                 "run:\n"
              << table;
  }
  // A stop seen by another rank interrupts this one too (the ranks agree on the step).
  if (stop_requested().load() || std::any_of(outcomes.begin(), outcomes.end(), [](const RunOutcome& o) {
        return o.status == RunStatus::interrupted;
      })) {
    if (writer) {
      std::fprintf(stderr,
                   "lacos-exp: stopped by signal %d; rerun the same command or lacos-exp --resume %s to continue\n",
                   stop_signal_number(), sweep.string().c_str());
    }
    return 128 + std::max(stop_signal_number(), 1);
  }
  if (failures > 0)
    fail("{} of {} run(s) failed; see run.log in their folders under {}", failures, jobs.size(), sweep.string());
  return 0;
}

}  // namespace

}  // namespace lacos
