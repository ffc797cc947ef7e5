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
// Sets torch's thread count: `requested` when > 0, else LACOS_THREADS when set, else the
// slice of the node's cores of rank `local_rank` among `local_size` ranks (see above).
// Programs call distributed/process_placement.h's configure_threads_for_this_rank.
ThreadSetup configure_torch_threads(int requested, int local_rank, int local_size);

}  // namespace lacos
