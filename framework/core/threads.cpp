#include "core/threads.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <sched.h>
#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <thread>

namespace lacos {

namespace {

int env_int(const char* name, int fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return std::atoi(value);
}

// Gives this process cores [first, first + count) when its current mask is narrower.
bool widen_affinity(int first, int count) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu = first; cpu < first + count; ++cpu) CPU_SET(cpu, &set);
  return ::sched_setaffinity(0, sizeof(set), &set) == 0;
}

}  // namespace

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  return static_cast<int>(std::thread::hardware_concurrency());
}

ThreadSetup configure_torch_threads(int requested, int local_rank, int local_size) {
  ThreadSetup setup;
  const int node_cores = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  const int per_rank = std::max(1, node_cores / std::max(1, local_size));
  setup.threads = requested > 0 ? requested : env_int("LACOS_THREADS", 0);
  if (setup.threads <= 0) {
    setup.threads = per_rank;
    const bool binding_requested = std::getenv("OMPI_MCA_hwloc_base_binding_policy") != nullptr;
    const int bound = available_cores();
    if (bound < per_rank && !binding_requested) {
      const int first = (local_rank % std::max(1, local_size)) * per_rank;
      if (widen_affinity(first, per_rank)) {
        setup.note = fmt::format(
            "the launcher bound this rank to {} core(s); using cores {}-{} of {} instead "
            "(pass mpirun --bind-to to choose the binding yourself)",
            bound, first, first + per_rank - 1, node_cores);
      } else {
        setup.threads = bound;
      }
    } else if (bound < per_rank) {
      setup.threads = bound;  // respect an explicit binding
    }
  }
  torch::set_num_threads(setup.threads);
  return setup;
}

}  // namespace lacos
