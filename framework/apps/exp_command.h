// lacos-exp: runs an experiment file: composes its configuration (config groups, the file,
// command-line overrides), expands sweeps, and runs each run into its own folder with run.h5.
#pragma once

namespace lacos {

int run_exp_command(int argc, char** argv);

}  // namespace lacos
