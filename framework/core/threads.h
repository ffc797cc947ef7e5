// Sizing LibTorch's intra-op thread pool from the cores a rank may use.
//
// `mpirun -n 1` (Open MPI, np <= 2) binds each rank to a single core by default, and LibTorch
// then runs one thread. Unless the user asked for a binding (--bind-to sets
// OMPI_MCA_hwloc_base_binding_policy), lacos gives each rank its own slice of the node's cores,
// the node's cores divided by its ranks, and sizes the thread pool to it.
#pragma once

#include <string>

namespace lacos {

struct ThreadSetup {
  int threads = 1;
  std::string note;  // what was changed and why; empty when nothing was
};

// Cores this process may run on (its CPU affinity mask).
int available_cores();
// Ranks on this node and this rank's index among them, from the launcher's environment
// (Open MPI, MPICH, Slurm); 1 and 0 otherwise.
int local_rank_count();
int local_rank();

// Sets torch's thread count: `requested` when > 0, else LACOS_THREADS when set, else the
// rank's slice of the node (see above).
ThreadSetup configure_torch_threads(int requested = 0);

}  // namespace lacos
