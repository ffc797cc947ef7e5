// The one dispatch point from `dist.backend` to a communicator (dist/communicator.h):
//   none -> single process (refused when the job has several ranks: they would all write);
//   mpi  -> MpiCommunicator;  nccl -> NcclCommunicator (CUDA model required);
//   auto -> single process on one rank, else NCCL when the model is on CUDA and MPI otherwise.
#pragma once

#include "dist/communicator.h"
#include "dist/dist_options.h"

#include <atomic>
#include <memory>

namespace lacos {

// The number of ranks of this job (1 when MPI is not initialised).
int world_size();

std::shared_ptr<Communicator> make_communicator(const DistOptions& options, const torch::Device& model_device,
                                                const std::atomic<bool>* stop_requested = nullptr);

}  // namespace lacos
