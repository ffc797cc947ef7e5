#include "distributed/process_placement.h"

#include "distributed/blocking_call_watchdog.h"

#include <fmt/format.h>

#include "core/error.h"

#include <mpi.h>
#include <torch/torch.h>

#include <cstdlib>
#include <initializer_list>

namespace lacos {

namespace {

int first_env_int(std::initializer_list<const char*> names, int fallback) {
  for (const char* name : names) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0' && std::atoi(value) >= 0) return std::atoi(value);
  }
  return fallback;
}

ProcessPlacement from_launcher_environment() {
  ProcessPlacement p;
  p.rank = first_env_int({"OMPI_COMM_WORLD_RANK", "PMI_RANK", "SLURM_PROCID"}, 0);
  p.size = std::max(1, first_env_int({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS"}, 1));
  p.local_rank = first_env_int({"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID"}, 0);
  p.local_size =
      std::max(1, first_env_int({"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"}, 1));
  return p;
}

ProcessPlacement from_mpi() {
  ProcessPlacement p;
  MPI_Comm_rank(MPI_COMM_WORLD, &p.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &p.size);
  // Ranks that share memory are the ranks of one node.
  MPI_Comm node = MPI_COMM_NULL;
  {
    const BlockingCallWatchdog watchdog(fmt::format("rank {}: MPI_Comm_split_type", p.rank));
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, p.rank, MPI_INFO_NULL, &node);
  }
  MPI_Comm_rank(node, &p.local_rank);
  MPI_Comm_size(node, &p.local_size);
  MPI_Comm_free(&node);
  return p;
}

}  // namespace

ProcessPlacement process_placement() {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) {
    static const ProcessPlacement placement = from_mpi();  // fixed for the job's lifetime
    return placement;
  }
  return from_launcher_environment();
}

int cuda_device_of_this_rank() {
  const int devices = static_cast<int>(torch::cuda::device_count());
  const ProcessPlacement p = process_placement();
  if (devices == 0) fail("rank {}: a CUDA device was asked for but this rank sees none", p.rank);
  return p.local_rank % devices;
}

ThreadSetup configure_threads_for_this_rank(int requested) {
  const ProcessPlacement p = process_placement();
  return configure_torch_threads(requested, p.local_rank, p.local_size);
}

}  // namespace lacos
