#include "dist/nccl_communicator.h"

#ifdef LACOS_WITH_NCCL
#include <cuda_runtime.h>
#include <nccl.h>
#endif

namespace lacos {

#ifdef LACOS_WITH_NCCL

bool nccl_compiled_in() { return true; }

namespace {

ncclDataType_t nccl_type(const torch::Tensor& tensor) {
  switch (tensor.scalar_type()) {
    case torch::kFloat32: return ncclFloat32;
    case torch::kFloat64: return ncclFloat64;
    case torch::kFloat16: return ncclFloat16;
    case torch::kBFloat16: return ncclBfloat16;
    case torch::kInt64: return ncclInt64;
    case torch::kInt32: return ncclInt32;
    case torch::kUInt8: return ncclUint8;
    case torch::kInt8: return ncclInt8;
    default: fail("NCCL cannot carry tensors of type {}", c10::toString(tensor.scalar_type()));
  }
}

}  // namespace

struct NcclCommunicator::State {
  ncclComm_t comm = nullptr;
  int device = 0;
  bool aborted = false;
};

NcclCommunicator::NcclCommunicator(CollectiveOptions options)
    : MpiCommunicator(options), state_(std::make_unique<State>()) {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    fail("dist.backend=nccl: rank {} sees no CUDA device (use dist.backend=mpi for CPU training)", rank());
  }
  if (local_size() > devices) {
    fail("dist.backend=nccl: {} ranks on this node but {} GPU(s); NCCL needs one GPU per rank", local_size(), devices);
  }
  state_->device = local_rank() % devices;
  cudaSetDevice(state_->device);
  ncclUniqueId id;
  if (rank() == 0 && ncclGetUniqueId(&id) != ncclSuccess) fail("ncclGetUniqueId failed on rank 0");
  std::string id_bytes(reinterpret_cast<const char*>(&id), sizeof(id));
  id_bytes = broadcast_text(id_bytes, 0);
  std::memcpy(&id, id_bytes.data(), sizeof(id));
  // Non-blocking init, so that a rank that never arrives is caught by the same bounded wait.
  ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
  config.blocking = 0;
  ncclResult_t result = ncclCommInitRankConfig(&state_->comm, size(), id, rank(), &config);
  if (result != ncclSuccess && result != ncclInProgress) {
    fail("rank {}: ncclCommInitRank failed: {}", rank(), ncclGetErrorString(result));
  }
  wait("NCCL initialisation", [&] {
    ncclResult_t state = ncclSuccess;
    ncclCommGetAsyncError(state_->comm, &state);
    if (state == ncclInProgress) return false;
    if (state != ncclSuccess) fail("rank {}: NCCL initialisation failed: {}", rank(), ncclGetErrorString(state));
    return true;
  }, [&] { ncclCommAbort(state_->comm); state_->aborted = true; });
}

NcclCommunicator::~NcclCommunicator() {
  if (state_ && state_->comm != nullptr && !state_->aborted) ncclCommDestroy(state_->comm);
}

torch::Device NcclCommunicator::device() const { return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(state_->device)); }

// Enqueued NCCL work on the default stream is done when the stream is idle; errors surface
// through the communicator's asynchronous error.
void NcclCommunicator::complete(const std::string& what, int launch_result) {
  const auto launched = static_cast<ncclResult_t>(launch_result);
  if (launched != ncclSuccess && launched != ncclInProgress) fail("NCCL {} failed: {}", what, ncclGetErrorString(launched));
  wait(what, [&] {
    ncclResult_t state = ncclSuccess;
    ncclCommGetAsyncError(state_->comm, &state);
    if (state != ncclSuccess && state != ncclInProgress) fail("NCCL {} failed: {}", what, ncclGetErrorString(state));
    const cudaError_t stream = cudaStreamQuery(nullptr);
    if (stream == cudaErrorNotReady) return false;
    if (stream != cudaSuccess) fail("CUDA error during NCCL {}: {}", what, cudaGetErrorString(stream));
    return true;
  }, [&] {
    ncclCommAbort(state_->comm);
    state_->aborted = true;
  });
}

void NcclCommunicator::reduce_sum_raw(torch::Tensor& buffer) {
  if (!buffer.is_cuda()) return MpiCommunicator::reduce_sum_raw(buffer);
  complete("all-reduce", ncclAllReduce(buffer.data_ptr(), buffer.data_ptr(), static_cast<std::size_t>(buffer.numel()),
                                       nccl_type(buffer), ncclSum, state_->comm, /*stream=*/nullptr));
}

void NcclCommunicator::gather_raw(const torch::Tensor& send, torch::Tensor& receive) {
  if (!send.is_cuda()) return MpiCommunicator::gather_raw(send, receive);
  complete("all-gather", ncclAllGather(send.data_ptr(), receive.data_ptr(), static_cast<std::size_t>(send.numel()),
                                       nccl_type(send), state_->comm, /*stream=*/nullptr));
}

void NcclCommunicator::broadcast_raw(torch::Tensor& buffer, int root) {
  if (!buffer.is_cuda()) return MpiCommunicator::broadcast_raw(buffer, root);
  complete("broadcast", ncclBroadcast(buffer.data_ptr(), buffer.data_ptr(), static_cast<std::size_t>(buffer.numel()),
                                      nccl_type(buffer), root, state_->comm, /*stream=*/nullptr));
}

#else  // no NCCL in this build

bool nccl_compiled_in() { return false; }

struct NcclCommunicator::State {};

NcclCommunicator::NcclCommunicator(CollectiveOptions options) : MpiCommunicator(options) {
  fail("dist.backend=nccl: this build has no NCCL backend (configure with CUDA and NCCL: -DLACOS_WITH_NCCL=ON); "
       "use dist.backend=mpi");
}
NcclCommunicator::~NcclCommunicator() = default;
torch::Device NcclCommunicator::device() const { return torch::kCPU; }
void NcclCommunicator::reduce_sum_raw(torch::Tensor& buffer) { MpiCommunicator::reduce_sum_raw(buffer); }
void NcclCommunicator::gather_raw(const torch::Tensor& send, torch::Tensor& receive) { MpiCommunicator::gather_raw(send, receive); }
void NcclCommunicator::broadcast_raw(torch::Tensor& buffer, int root) { MpiCommunicator::broadcast_raw(buffer, root); }
void NcclCommunicator::complete(const std::string&, int) {}

#endif

}  // namespace lacos
