#include "distributed/make_communicator.h"

#include "distributed/nccl_communicator.h"
#include "distributed/process_placement.h"

#include <algorithm>
#include <cstdlib>

namespace lacos {

double stop_grace_within_launcher(double requested) {
  // Under mpirun, a stopped job's ranks get SIGTERM and, odls_base_sigkill_timeout seconds later
  // (1 s unless set; launch/dist-env.sh sets 10), SIGKILL: a rank must give up waiting and record
  // the run's status within that, so the grace is at most half of it.
  if (std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr) return requested;
  const char* sigkill = std::getenv("OMPI_MCA_odls_base_sigkill_timeout");
  const double kill_delay = sigkill != nullptr && *sigkill ? std::atof(sigkill) : 1.0;
  return std::min(requested, kill_delay / 2);
}

std::shared_ptr<Communicator> make_communicator(const DistOptions& options, const torch::Device& model_device,
                                                const std::atomic<bool>* stop_requested) {
  const int ranks = process_placement().size;
  const CollectiveOptions collective{options.timeout_seconds, stop_requested, options.force_collectives,
                                     stop_grace_within_launcher(options.stop_grace_seconds)};
  std::string backend = options.backend;
  if (backend == "auto") backend = ranks == 1 ? "none" : model_device.is_cuda() ? "nccl" : "mpi";
  if (backend == "none") {
    if (ranks > 1)
      fail("dist.backend=none but the job has {} ranks: use dist.backend=auto|mpi|nccl, or mpirun -n 1", ranks);
    return std::make_shared<SingleProcessCommunicator>();
  }
  if (backend == "mpi") return std::make_shared<MpiCommunicator>(collective);
  if (backend == "nccl") {
    if (!model_device.is_cuda()) {
      fail("dist.backend=nccl needs the model on a CUDA device (model.device is {}); use dist.backend=mpi on CPU",
           model_device.str());
    }
    return make_nccl_communicator(collective);
  }
  fail("dist.backend: unknown backend '{}' (expected auto, none, mpi or nccl)", options.backend);
}

}  // namespace lacos
