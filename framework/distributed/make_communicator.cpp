#include "distributed/make_communicator.h"

#include "distributed/nccl_communicator.h"
#include "distributed/process_placement.h"

namespace lacos {

std::shared_ptr<Communicator> make_communicator(const DistOptions& options, const torch::Device& model_device,
                                                const std::atomic<bool>* stop_requested) {
  const int ranks = process_placement().size;
  const CollectiveOptions collective{options.timeout_seconds, stop_requested, options.force_collectives};
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
