// The one interface training code talks to for data parallelism (Marian's ICommunicator): tensor
// collectives plus a small control plane (text, barrier, agreement). Backends:
//   - SingleProcessCommunicator: world of one, every call is the identity (no #ifdef at call sites);
//   - MpiCommunicator: CPU tensors over MPI (CUDA tensors are staged through host memory);
//   - NcclCommunicator: CUDA tensors over NCCL, CPU tensors and the control plane over MPI.
// Every collective must be called by all ranks in the same order. A collective that cannot
// complete (another rank died, the job is being stopped, the timeout passed) throws a
// DistributedError instead of hanging.
#pragma once

#include "core/error.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace lacos {

class DistributedError : public Error {
 public:
  using Error::Error;
};

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual std::string backend() const = 0;  // "none", "mpi" or "nccl"
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual int local_rank() const = 0;  // index among the ranks of this node (picks the GPU)
  virtual int local_size() const = 0;

  // Element-wise sum over ranks, in place; `tensor` must be contiguous.
  virtual void all_reduce_sum_(torch::Tensor& tensor) = 0;
  // Every rank's `tensor` (same shape on all ranks) concatenated along dim 0, in rank order.
  virtual torch::Tensor all_gather(const torch::Tensor& tensor) = 0;
  // Rank `root`'s values into `tensor` on every rank, in place; `tensor` must be contiguous.
  virtual void broadcast_(torch::Tensor& tensor, int root) = 0;
  virtual void barrier() = 0;

  // Control plane: small host-side values, over MPI whatever the tensor backend.
  virtual std::string broadcast_text(const std::string& text, int root) = 0;
  virtual std::vector<std::string> all_gather_text(const std::string& text) = 0;
  // True on every rank when `flag` is true on any rank (e.g. a stop request seen by one rank).
  virtual bool any(bool flag) = 0;

  // Waits, bounded by dist.timeout_s, until the collectives already enqueued on the device have
  // completed (NCCL enqueues them on the CUDA stream and returns); a no-op for host backends.
  // Called before the host reads what a collective produced on the device.
  virtual void wait_device(const std::string& /*what*/) {}

  // Whether collectives run: several ranks, or one rank told to run them anyway
  // (dist.force_collectives, which checks the NCCL or MPI path on a single GPU).
  bool distributed() const { return size() > 1 || forced(); }
  virtual bool forced() const { return false; }
};

class SingleProcessCommunicator final : public Communicator {
 public:
  std::string backend() const override { return "none"; }
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int local_rank() const override { return 0; }
  int local_size() const override { return 1; }
  void all_reduce_sum_(torch::Tensor&) override {}
  torch::Tensor all_gather(const torch::Tensor& tensor) override { return tensor.clone(); }
  void broadcast_(torch::Tensor&, int) override {}
  void barrier() override {}
  std::string broadcast_text(const std::string& text, int) override { return text; }
  std::vector<std::string> all_gather_text(const std::string& text) override { return {text}; }
  bool any(bool flag) override { return flag; }
};

// The process-wide single-process communicator (for code paths that run without a job).
Communicator& single_process_communicator();

}  // namespace lacos
