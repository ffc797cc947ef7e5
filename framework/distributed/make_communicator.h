// The one dispatch point from `dist.backend` to a communicator (distributed/communicator.h):
//   none -> single process (refused when the job has several ranks: they would all write);
//   mpi  -> MpiCommunicator;  nccl -> NcclCommunicator (CUDA model required);
//   auto -> single process on one rank, else NCCL when the model is on CUDA and MPI otherwise.
#pragma once

#include "distributed/communicator.h"
#include "distributed/dist_options.h"

#include <atomic>
#include <memory>

namespace lacos {

// dist.stop_grace_s as used: under mpirun at most half its SIGTERM-to-SIGKILL delay.
double stop_grace_within_launcher(double requested);

std::shared_ptr<Communicator> make_communicator(const DistOptions& options, const torch::Device& model_device,
                                                const std::atomic<bool>* stop_requested = nullptr);

}  // namespace lacos
