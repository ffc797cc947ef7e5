// lacos-exp: runs an experiment file (see config/experiment_config.h). Today an experiment
// evaluates each listed base model on the STS sets and records the scores and embedding
// throughput in one run.h5 per model.
#pragma once

namespace lacos {

int run_exp_command(int argc, char** argv);

}  // namespace lacos
