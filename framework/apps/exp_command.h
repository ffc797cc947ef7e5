// lacos-exp: runs an experiment file: composes its configuration (config groups, the file,
// command-line overrides), expands sweeps, and runs each run into its own folder with run.h5.
#pragma once

#include "experiment/sweep_runner.h"

namespace lacos {

int run_exp_command(int argc, char** argv);

// Runs the request on every rank of the job (MPI must be initialised); with several ranks an
// error on one ends them all (MPI_Abort), after printing it as `<program>: error: ...`.
int run_sweep_on_every_rank(const SweepRequest& request, const char* program);

}  // namespace lacos
