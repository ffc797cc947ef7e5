// CUDA tensors over NCCL; CPU tensors and the control plane stay on MPI (the shared base).
// One GPU per rank, chosen by the local rank; the NCCL unique id travels over MPI.
//
// NCCL calls are enqueued on LibTorch's current CUDA stream, so the kernels that follow (the
// optimizer step after the gradient all-reduce) are ordered after them on the device: a
// collective returns as soon as NCCL has *enqueued* it, and the host never waits for the GPU in a
// training step. With a non-blocking communicator a call may return ncclInProgress before it is
// enqueued; the call is polled (ncclCommGetAsyncError) until it is. Completion on the device is
// awaited only by wait_device(), with the same bounded wait as every MPI call: a peer failure or
// dist.timeout_s aborts the NCCL communicator (ncclCommAbort) and raises a DistributedError
// instead of hanging. Any NCCL or CUDA error aborts the communicator before it is reported, so
// the destructor never destroys (and hangs on) a failed one.
//
// This file is compiled only when the build has NCCL (cmake/Dependencies.cmake); otherwise
// nccl_unavailable.cpp provides make_nccl_communicator, which explains what is missing.
#pragma once

#include "distributed/mpi_communicator.h"

#include <memory>
#include <string>

namespace lacos {

// Whether this build has the NCCL backend (CMake LACOS_WITH_NCCL).
bool nccl_compiled_in();
// For build_info(): "compiled in (NCCL 2.28.3)", or why it is not.
std::string nccl_build_text();

// The NCCL communicator of this rank (an error where the build has no NCCL).
std::shared_ptr<Communicator> make_nccl_communicator(CollectiveOptions options);

}  // namespace lacos
