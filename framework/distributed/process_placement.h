// Where this process sits in the job: its rank among all ranks and among the ranks of its node.
// The one place lacos asks; communicators, thread sizing and GPU choice all read it.
#pragma once

#include "core/threads.h"

namespace lacos {

struct ProcessPlacement {
  int rank = 0;
  int size = 1;
  int local_rank = 0;  // index among the ranks of this node
  int local_size = 1;
};

// From MPI once it is initialised; before that (or in a program without MPI) from the launcher's
// environment (Open MPI, MPICH, Slurm); a single process otherwise.
ProcessPlacement process_placement();

// The GPU this rank uses: rank i of a node takes GPU i (modulo the node's devices). Fails when
// the node has no CUDA device.
int cuda_device_of_this_rank();

// LibTorch's thread pool sized for this rank's slice of the node (core/threads.h).
ThreadSetup configure_threads_for_this_rank(int requested = 0);

}  // namespace lacos
