// CUDA tensors over NCCL; CPU tensors and the control plane stay on MPI (the shared base).
// One GPU per rank, chosen by the local rank; the NCCL unique id travels over MPI. NCCL calls are
// enqueued on the default stream (the one LibTorch uses unless told otherwise) and polled with
// ncclCommGetAsyncError, so a peer failure or dist.timeout_s aborts the NCCL communicator and
// raises a DistributedError instead of hanging the job.
//
// NCCL refuses two ranks on one GPU, so with one GPU only `mpirun -n 1` runs this backend.
#pragma once

#include "dist/mpi_communicator.h"

#include <memory>

namespace lacos {

// Whether this build has the NCCL backend (CMake LACOS_WITH_NCCL).
bool nccl_compiled_in();

class NcclCommunicator final : public MpiCommunicator {
 public:
  explicit NcclCommunicator(CollectiveOptions options);
  ~NcclCommunicator() override;

  std::string backend() const override { return "nccl"; }
  // The GPU this rank uses (cuda:<local rank mod device count>).
  torch::Device device() const;

 protected:
  bool handles(const torch::Device& device) const override { return device.is_cpu() || device.is_cuda(); }
  void reduce_sum_raw(torch::Tensor& buffer) override;
  void gather_raw(const torch::Tensor& send, torch::Tensor& receive) override;
  void broadcast_raw(torch::Tensor& buffer, int root) override;

 private:
  // Waits for an enqueued NCCL call (its launch result as an int), aborting NCCL on give-up.
  void complete(const std::string& what, int launch_result);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lacos
