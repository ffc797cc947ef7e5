// The process's resident-memory high-water mark (VmHWM), which the kernel lets a process reset
// (writing 5 to /proc/self/clear_refs), so each run of a sweep reports its own peak.
#pragma once

#include <cstdint>

namespace lacos {

// Returns false where the kernel does not allow the reset (the peak then spans earlier runs).
bool reset_resident_peak();
std::int64_t resident_peak_bytes();  // 0 where /proc is unavailable
std::int64_t resident_bytes();       // resident now (VmRSS)

// Fixes glibc's mmap threshold at 4 MiB (unless MALLOC_MMAP_THRESHOLD_ is set). glibc raises the
// threshold to the size of each freed mmapped block (up to 32 MiB), after which the 4-32 MiB
// temporaries of loading and training come from the heap and stay resident once freed: loading
// bloom-560m with an int8 base held 2.34 GiB resident for 0.54 GiB of tensors (1.3 GiB fixed at
// 1-4 MiB). 1 MiB cost a third of tiny-4's training speed (mmap and page faults per temporary);
// 4 MiB costs nothing measurable. Every lacos program calls it first (apps/app_main.h).
void bound_heap_growth();

}  // namespace lacos
