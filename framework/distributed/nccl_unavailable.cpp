// make_nccl_communicator for builds without NCCL (LibTorch without CUDA, or -DLACOS_WITH_NCCL=OFF):
// chosen by the build's source list instead of the real one, so no call site needs an #ifdef.
#include "distributed/nccl_communicator.h"

namespace lacos {

bool nccl_compiled_in() { return false; }

std::string nccl_build_text() { return "not compiled in (no nccl.h / CUDA runtime at configure time)"; }

std::shared_ptr<Communicator> make_nccl_communicator(CollectiveOptions) {
  fail(
      "dist.backend=nccl: this build has no NCCL backend (it needs a LibTorch with CUDA and NCCL; "
      "configure with -DLACOS_WITH_NCCL=ON to be told what is missing); use dist.backend=mpi");
}

}  // namespace lacos
