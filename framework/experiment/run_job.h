// One run of an experiment, top to bottom: read the data (failing before any model loads),
// open the model, add LoRA, train with MNR while /train and /eval grow in run.h5 and checkpoints
// are written, save the adapter, and close the summary with status `completed`. A folder that
// already holds this run continues it: completed runs are skipped, unfinished ones resume from
// their last checkpoint. A stop request (SIGINT/SIGTERM) ends with a checkpoint and status
// `interrupted`; any error marks the run `failed` with the message and is rethrown.
//
// Data parallel: every rank calls run_job with the same job; rank 0 alone writes (run.h5, the
// log, checkpoints, the adapter) and decides whether to skip or resume; the others follow it,
// reading the checkpoint rank 0 sends them (no shared file system needed for resuming).
#pragma once

#include "distributed/communicator.h"
#include "experiment/run_folder.h"
#include "experiment/run_recorder.h"

namespace lacos {

RunOutcome run_job(const RunJob& job, Communicator& communicator = single_process_communicator());

}  // namespace lacos
