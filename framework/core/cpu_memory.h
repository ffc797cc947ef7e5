// Peak CPU tensor memory, measured by wrapping LibTorch's CPU allocator (CUDA has its own
// allocator statistics). Benchmarks and tests use it to compare the memory of training steps.
#pragma once

#include <cstdint>

namespace lacos {

class CpuMemoryTracker {
 public:
  // Installs the tracking allocator on first use (process-wide; tensors allocated before are
  // not counted) and returns the tracker.
  static CpuMemoryTracker& instance();

  std::int64_t current_bytes() const;
  std::int64_t peak_bytes() const;
  // Sets the peak to the current value.
  void reset_peak();
};

}  // namespace lacos
