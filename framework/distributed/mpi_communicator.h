// Collectives over MPI, and everything the backends share: the control plane, argument checks,
// host staging for tensors a backend cannot send, and the bounded wait. A backend only supplies
// the three collective calls on contiguous buffers (reduce_sum_raw, gather_raw, broadcast_raw),
// so the MPI tests exercise all the logic the NCCL backend runs.
//
// Collectives are started non-blocking and polled: a rank whose peer died (the launcher then
// sends SIGTERM and, a second later, SIGKILL), a stuck peer (dist.timeout_s) or an MPI error
// turns into a DistributedError within a bounded time, so rank 0 can still mark run.h5. Polling
// also yields the core while waiting, which matters when ranks share cores.
#pragma once

#include "distributed/communicator.h"

#include <mpi.h>

#include <atomic>
#include <functional>
#include <initializer_list>

namespace lacos {

struct CollectiveOptions {
  double timeout_seconds = 600;
  // Set by SIGINT/SIGTERM. Seen while waiting, the wait goes on for `stop_grace_seconds`
  // (dist.stop_grace_s): long enough for a rank that is still writing a checkpoint or evaluating
  // to arrive (then all ranks agree on the step, checkpoint it and end `interrupted`), short
  // enough that a rank whose peer is gone records `failed` before the launcher's SIGKILL.
  const std::atomic<bool>* stop_requested = nullptr;
  // Run every collective even in a world of one (dist.force_collectives).
  bool force = false;
  double stop_grace_seconds = 5;
};

class MpiCommunicator : public Communicator {
 public:
  explicit MpiCommunicator(CollectiveOptions options);
  ~MpiCommunicator() override;
  MpiCommunicator(const MpiCommunicator&) = delete;
  MpiCommunicator& operator=(const MpiCommunicator&) = delete;

  std::string backend() const override { return "mpi"; }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return local_rank_; }
  int local_size() const override { return local_size_; }

  void all_reduce_sum_(torch::Tensor& tensor) override;
  torch::Tensor all_gather(const torch::Tensor& tensor) override;
  void broadcast_(torch::Tensor& tensor, int root) override;
  void barrier() override;
  std::string broadcast_text(const std::string& text, int root) override;
  std::vector<std::string> all_gather_text(const std::string& text) override;
  bool any(bool flag) override;
  bool forced() const override { return options_.force; }
  // How many tensors abandoned collectives keep alive in this process (see wait_request).
  static std::size_t abandoned_buffer_count();

 protected:
  // Whether the raw calls below take tensors on `device` directly; others are staged through host memory.
  virtual bool handles(const torch::Device& device) const { return device.is_cpu(); }
  // The collective calls proper: contiguous tensors of one device, `buffer` summed in place,
  // `receive` = size() x `send` (flat), `buffer` overwritten with rank `root`'s.
  virtual void reduce_sum_raw(torch::Tensor& buffer);
  virtual void gather_raw(const torch::Tensor& send, torch::Tensor& receive);
  virtual void broadcast_raw(torch::Tensor& buffer, int root);

  // Polls `done` until it returns true; throws a DistributedError naming `what` on timeout, on a
  // stop request (after the grace period) or when `done` throws (rethrown as a DistributedError).
  // `give_up` runs before throwing, in all three cases.
  void wait(const std::string& what, const std::function<bool()>& done, const std::function<void()>& give_up = {});
  std::string awaited_ranks() const;
  void check_mpi(int code, const std::string& what) const;

  const CollectiveOptions options_;

 private:
  // Waits for `request`; on giving up, `buffers` (the tensors the request reads or writes) are
  // kept alive for the rest of the process: MPI cannot cancel a started collective, and a peer
  // that wakes up later still completes it into this rank's memory.
  void wait_request(MPI_Request& request, const std::string& what, std::initializer_list<torch::Tensor> buffers);

  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int size_ = 1;
  int local_rank_ = 0;
  int local_size_ = 1;
};

}  // namespace lacos
