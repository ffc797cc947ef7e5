// Two views of "the host waited for the device":
//
// - HostReadCounter counts, process-wide while it lives, the LibTorch operators that on a GPU
//   make the host wait for the device's results: reading a scalar (item(), a bool conversion:
//   aten::_local_scalar_dense), and operators whose output size depends on the data (nonzero,
//   masked_select, unique..., equal). It works on the CPU too, through LibTorch's RecordFunction
//   observers, which is how the CPU tests prove a training step reads nothing back. It cannot see
//   a plain device-to-host copy (.to(kCPU)), which on the CPU is not an operator at all.
// - SyncDebugScope turns on CUDA's sync-debug mode (torch.cuda.set_sync_debug_mode) for its
//   lifetime: "error" makes every synchronising CUDA call throw, which proves the same on a GPU.
//   A no-op on the CPU. LACOS_SYNC_DEBUG=error|warn asks the trainer for it around the steps
//   that do not log.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>

namespace lacos {

class HostReadCounter {
 public:
  HostReadCounter();
  ~HostReadCounter();
  HostReadCounter(const HostReadCounter&) = delete;
  HostReadCounter& operator=(const HostReadCounter&) = delete;

  std::int64_t count() const;
  // Counts by operator name, e.g. {"aten::_local_scalar_dense": 3}.
  std::map<std::string, std::int64_t> by_operator() const;

 private:
  std::uint64_t handle_;
};

enum class SyncDebug { off, warn, error };

// LACOS_SYNC_DEBUG: "error", "warn", or unset/"off".
SyncDebug sync_debug_from_environment();

class SyncDebugScope {
 public:
  SyncDebugScope(const torch::Device& device, SyncDebug mode);
  ~SyncDebugScope();
  SyncDebugScope(const SyncDebugScope&) = delete;
  SyncDebugScope& operator=(const SyncDebugScope&) = delete;

 private:
  bool active_ = false;
  int previous_ = 0;
};

}  // namespace lacos
