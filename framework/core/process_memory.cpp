#include "core/process_memory.h"

#include <malloc.h>
#include <cstdlib>
#include <fstream>
#include <string>

namespace lacos {

bool reset_resident_peak() {
  malloc_trim(0);  // hand freed heap back first, or the previous run's pages stay resident
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  return static_cast<bool>(clear.flush());
}

void bound_heap_growth() {
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

namespace {

// A "Key:   N kB" line of /proc/self/status, in bytes; 0 where /proc is unavailable.
std::int64_t status_bytes(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key, 0) == 0) return std::stoll(line.substr(key.size())) * 1024;  // reported in kB
  }
  return 0;
}

}  // namespace

std::int64_t resident_peak_bytes() { return status_bytes("VmHWM:"); }

std::int64_t resident_bytes() { return status_bytes("VmRSS:"); }

}  // namespace lacos
