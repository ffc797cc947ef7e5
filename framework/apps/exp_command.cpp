#include "apps/exp_command.h"

#include "config/config_schema.h"
#include "core/error.h"
#include "distributed/build_info.h"
#include "distributed/mpi_environment.h"
#include "distributed/process_placement.h"
#include "experiment/sweep_runner.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace lacos {

namespace {

constexpr const char* kPriority = R"(Configuration, lowest priority first (later layers win; maps merge key by key):
  1. schema defaults (lacos-exp --help-config lists every key)
  2. the experiment's `defaults:` list, in order (group: option -> conf/<group>/<option>.yaml)
  3. the experiment file's own settings (or where `_self_` sits in the defaults list)
  4. command-line overrides, left to right
Overrides: key=value  +new.key=value  ++key=value  ~key  group=option (e.g. model=bloom-1b7)
Sweeps: a `sweep:` block in the file, or with -m: key=a,b,c  key=range(start,stop[,step])
Values: ${a.b} refers to another key, ${env:VAR,default} to the environment, ??? marks a required value.)";

}  // namespace

int run_sweep_on_every_rank(const SweepRequest& request, const char* program) {
  const ProcessPlacement placement = process_placement();
  if (placement.size == 1) return run_sweep(request);
  // Several ranks: an error on one rank must end them all (the others may be waiting for it in a
  // collective), after rank 0 has marked its run; MPI_Abort makes mpirun stop the job.
  try {
    return run_sweep(request);
  } catch (const std::exception& e) {
    // Errors of the collectives already name their rank.
    const bool named = std::string(e.what()).rfind("rank ", 0) == 0;
    std::fprintf(stderr, "%s: error: %s%s\n", program,
                 named ? "" : fmt::format("rank {} of {}: ", placement.rank, placement.size).c_str(), e.what());
    std::fflush(stderr);
    abort_job(/*exit_code=*/1);
  }
}

int run_exp_command(int argc, char** argv) {
  MpiEnvironment mpi(&argc, &argv);
  SweepRequest request;
  std::string experiment_file;
  std::string cfg;
  bool version = false;
  bool help_config = false;
  CLI::App app{"Run a lacos experiment: LoRA + MNR fine-tuning and STS evaluation, one folder and run.h5 per run.",
               "lacos-exp"};
  app.footer(kPriority);
  app.add_option("experiment", experiment_file, "experiment YAML (e.g. experiments/scaling.yaml)");
  app.add_option("overrides", request.overrides, "overrides: key=value, +key=value, ~key, group=option");
  app.add_flag("-m,--multirun", request.multirun, "sweep over overrides that list several values");
  app.add_flag("--dry-run", request.dry_run, "list the runs and their resolved differences, run nothing");
  app.add_option("--cfg", cfg, "print the resolved configuration ('job') and exit")->check(CLI::IsMember({"job"}));
  std::string resume;
  app.add_option("--resume", resume,
                 "continue the unfinished runs of a run or sweep folder (completed ones are skipped)");
  app.add_flag("--help-config", help_config, "list every configuration key with its type and default");
  app.add_flag("--version", version, "print what this build was compiled against and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (version) {
    std::cout << build_info();
    return 0;
  }
  if (help_config) {
    std::cout << "Configuration keys (key, type, default, meaning):\n"
              << describe_schema() << "\n"
              << kPriority << "\n";
    return 0;
  }
  if (!resume.empty()) {
    if (!experiment_file.empty())
      fail("--resume takes the run or sweep folder alone (the runs' config.yaml say the rest)");
    request.resume = resume;
  } else {
    if (experiment_file.empty()) fail("no experiment file given (try: lacos-exp experiments/quickstart.yaml)");
    request.experiment_file = experiment_file;
    request.print_config = cfg == "job";
  }
  return run_sweep_on_every_rank(request, "lacos-exp");
}

}  // namespace lacos
