// What this build of lacos was compiled against and what it can use at run time.
#pragma once

#include <string>

namespace lacos {

// One line per fact: lacos, LibTorch, CUDA availability, NCCL (compiled in or not), MPI.
std::string build_info();

}  // namespace lacos
