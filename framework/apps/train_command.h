// lacos-train: one run of lacos-exp's job, configured by flags instead of an experiment file.
// Each flag names one configuration key; defaults, checks, the run folder (run.h5, run.log,
// checkpoints, adapter/) and resuming are lacos-exp's, so the two front ends train alike.
#pragma once

namespace lacos {

int run_train_command(int argc, char** argv);

}  // namespace lacos
