// The process's resident-memory high-water mark (VmHWM), which the kernel lets a process reset
// (writing 5 to /proc/self/clear_refs), so each run of a sweep reports its own peak.
#pragma once

#include <cstdint>

namespace lacos {

// Returns false where the kernel does not allow the reset (the peak then spans earlier runs).
bool reset_resident_peak();
std::int64_t resident_peak_bytes();  // 0 where /proc is unavailable

}  // namespace lacos
