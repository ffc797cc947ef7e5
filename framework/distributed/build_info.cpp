#include "distributed/build_info.h"

#include "distributed/nccl_communicator.h"
#include "lacos_version.h"

#include <fmt/format.h>
#include <mpi.h>
#include <torch/cuda.h>
#include <torch/version.h>

#ifdef LACOS_TORCH_CUDA
#include <cuda_runtime_api.h>
#endif

namespace lacos {

std::string build_info() {
  std::string info = fmt::format("lacos {} (commit {})\nLibTorch {} (_GLIBCXX_USE_CXX11_ABI={})\n", LACOS_VERSION,
                                 LACOS_GIT_COMMIT, TORCH_VERSION, _GLIBCXX_USE_CXX11_ABI);
#ifdef LACOS_TORCH_CUDA
  int runtime = 0;
  cudaRuntimeGetVersion(&runtime);  // the runtime actually loaded (torch's, from the wheel)
  info += fmt::format("CUDA runtime {}.{} (compiled against {}.{})\n", runtime / 1000, runtime % 1000 / 10,
                      CUDART_VERSION / 1000, CUDART_VERSION % 1000 / 10);
#endif
  info += fmt::format("CUDA devices: {}\n", torch::cuda::is_available() ? torch::cuda::device_count() : 0);
  info += "NCCL backend: " + nccl_build_text() + "\n";
  char library[MPI_MAX_LIBRARY_VERSION_STRING] = {0};
  int length = 0;
  MPI_Get_library_version(library, &length);
  std::string mpi(library, static_cast<std::size_t>(length));
  info += "MPI: " + mpi.substr(0, mpi.find('\n')) + "\n";
  return info;
}

}  // namespace lacos
