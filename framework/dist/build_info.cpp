#include "dist/build_info.h"

#include <fmt/format.h>
#include <mpi.h>
#include <torch/cuda.h>
#include <torch/version.h>

#ifdef LACOS_WITH_NCCL
#include <nccl.h>
#endif
#ifdef LACOS_TORCH_CUDA
#include <cuda_runtime_api.h>
#endif

namespace lacos {

std::string build_info() {
  std::string info = fmt::format("lacos 0.1.0\nLibTorch {} (_GLIBCXX_USE_CXX11_ABI={})\n", TORCH_VERSION,
                                 _GLIBCXX_USE_CXX11_ABI);
#ifdef LACOS_TORCH_CUDA
  int runtime = 0;
  cudaRuntimeGetVersion(&runtime);  // the runtime actually loaded (torch's, from the wheel)
  info += fmt::format("CUDA runtime {}.{} (compiled against {}.{})\n", runtime / 1000, runtime % 1000 / 10,
                      CUDART_VERSION / 1000, CUDART_VERSION % 1000 / 10);
#endif
  info += fmt::format("CUDA devices: {}\n", torch::cuda::is_available() ? torch::cuda::device_count() : 0);
#ifdef LACOS_WITH_NCCL
  int version = 0;
  ncclGetVersion(&version);
  // NCCL >= 2.9 encodes its version as major * 10000 + minor * 100 + patch.
  info += fmt::format("NCCL backend: compiled in (NCCL {}.{}.{})\n", version / 10000, version / 100 % 100, version % 100);
#else
  info += "NCCL backend: not compiled in (no nccl.h / CUDA runtime at configure time)\n";
#endif
  char library[MPI_MAX_LIBRARY_VERSION_STRING] = {0};
  int length = 0;
  MPI_Get_library_version(library, &length);
  std::string mpi(library, static_cast<std::size_t>(length));
  info += "MPI: " + mpi.substr(0, mpi.find('\n')) + "\n";
  return info;
}

}  // namespace lacos
