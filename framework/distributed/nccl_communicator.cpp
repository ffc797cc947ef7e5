#include "distributed/nccl_communicator.h"

#include "distributed/process_placement.h"

#include <ATen/cuda/CUDAContext.h>
#include <cuda_runtime.h>
#include <nccl.h>

#include <cstring>

namespace lacos {

bool nccl_compiled_in() { return true; }

std::string nccl_build_text() {
  int version = 0;
  ncclGetVersion(&version);
  // NCCL >= 2.9 encodes its version as major * 10000 + minor * 100 + patch.
  return fmt::format("compiled in (NCCL {}.{}.{})", version / 10000, version / 100 % 100, version % 100);
}

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

class NcclCommunicator final : public MpiCommunicator {
 public:
  explicit NcclCommunicator(CollectiveOptions options);
  ~NcclCommunicator() override;

  std::string backend() const override { return "nccl"; }
  void wait_device(const std::string& what) override;

 protected:
  bool handles(const torch::Device& device) const override { return device.is_cpu() || device.is_cuda(); }
  void reduce_sum_raw(torch::Tensor& buffer) override;
  void gather_raw(const torch::Tensor& send, torch::Tensor& receive) override;
  void broadcast_raw(torch::Tensor& buffer, int root) override;

 private:
  cudaStream_t stream() const { return at::cuda::getCurrentCUDAStream(device_).stream(); }
  // Polls the communicator until `launch_result`'s call is enqueued; aborts and throws on error.
  void enqueued(const std::string& what, ncclResult_t launch_result);
  // The communicator's state: ncclSuccess, ncclInProgress, or an error (thrown, after aborting).
  ncclResult_t state(const std::string& what);
  void abort();

  ncclComm_t comm_ = nullptr;
  int device_ = 0;
  bool aborted_ = false;
  cudaEvent_t last_ = nullptr;  // recorded after the latest collective, for wait_device
};

NcclCommunicator::NcclCommunicator(CollectiveOptions options) : MpiCommunicator(options) {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    fail("dist.backend=nccl: rank {} sees no CUDA device (use dist.backend=mpi for CPU training)", rank());
  }
  if (local_size() > devices) {
    fail("dist.backend=nccl: {} ranks on this node but {} GPU(s); NCCL needs one GPU per rank", local_size(), devices);
  }
  device_ = cuda_device_of_this_rank();
  if (const cudaError_t error = cudaSetDevice(device_); error != cudaSuccess) {
    fail("rank {}: cudaSetDevice({}) failed: {}", rank(), device_, cudaGetErrorString(error));
  }
  if (const cudaError_t error = cudaEventCreateWithFlags(&last_, cudaEventDisableTiming); error != cudaSuccess) {
    fail("rank {}: cudaEventCreate failed: {}", rank(), cudaGetErrorString(error));
  }
  ncclUniqueId id;
  if (rank() == 0) {
    if (const ncclResult_t result = ncclGetUniqueId(&id); result != ncclSuccess) {
      fail("ncclGetUniqueId failed on rank 0: {}", ncclGetErrorString(result));
    }
  }
  std::string id_bytes(reinterpret_cast<const char*>(&id), sizeof(id));
  id_bytes = broadcast_text(id_bytes, 0);
  std::memcpy(&id, id_bytes.data(), sizeof(id));
  // Non-blocking init, so that a rank that never arrives is caught by the same bounded wait.
  ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
  config.blocking = 0;
  const ncclResult_t result = ncclCommInitRankConfig(&comm_, size(), id, rank(), &config);
  if (result != ncclSuccess && result != ncclInProgress) {
    fail("rank {}: ncclCommInitRank failed: {}", rank(), ncclGetErrorString(result));
  }
  wait(
      "NCCL initialisation", [&] { return state("NCCL initialisation") != ncclInProgress; }, [&] { abort(); });
}

NcclCommunicator::~NcclCommunicator() {
  if (comm_ != nullptr && !aborted_) {
    // A non-blocking communicator is finalised (flushing its work) before it is destroyed; one
    // that does not finalise within the timeout, or fails to, is aborted instead of destroyed.
    try {
      const ncclResult_t finalize = ncclCommFinalize(comm_);
      if (finalize != ncclSuccess && finalize != ncclInProgress) {
        abort();
      } else {
        wait(
            "NCCL finalisation", [&] { return state("NCCL finalisation") != ncclInProgress; }, [&] { abort(); });
      }
    } catch (const std::exception&) {
      // already aborted by wait(); a destructor reports nothing
    }
    if (!aborted_) ncclCommDestroy(comm_);
  }
  if (last_ != nullptr) cudaEventDestroy(last_);
}

void NcclCommunicator::abort() {
  if (comm_ != nullptr && !aborted_) ncclCommAbort(comm_);
  aborted_ = true;
}

ncclResult_t NcclCommunicator::state(const std::string& what) {
  if (aborted_)
    throw DistributedError(fmt::format("rank {}: NCCL {}: the communicator was aborted earlier", rank(), what));
  ncclResult_t async = ncclSuccess;
  const ncclResult_t queried = ncclCommGetAsyncError(comm_, &async);
  const ncclResult_t result = queried != ncclSuccess ? queried : async;
  if (result == ncclSuccess || result == ncclInProgress) return result;
  abort();
  throw DistributedError(fmt::format("rank {}: NCCL {} failed: {}", rank(), what, ncclGetErrorString(result)));
}

void NcclCommunicator::enqueued(const std::string& what, ncclResult_t launch_result) {
  if (launch_result != ncclSuccess && launch_result != ncclInProgress) {
    abort();
    throw DistributedError(fmt::format("rank {}: NCCL {} failed: {}", rank(), what, ncclGetErrorString(launch_result)));
  }
  // ncclInProgress: not necessarily enqueued yet; kernels launched after this return would race
  // with it, so poll until NCCL says the call is on the stream.
  if (launch_result == ncclInProgress) {
    wait(
        what, [&] { return state(what) != ncclInProgress; }, [&] { abort(); });
  }
  if (const cudaError_t error = cudaEventRecord(last_, stream()); error != cudaSuccess) {
    abort();
    throw DistributedError(
        fmt::format("rank {}: CUDA error after NCCL {}: {}", rank(), what, cudaGetErrorString(error)));
  }
}

void NcclCommunicator::wait_device(const std::string& what) {
  if (aborted_) return;
  wait(
      what,
      [&] {
        state(what);
        const cudaError_t done = cudaEventQuery(last_);
        if (done == cudaErrorNotReady) return false;
        if (done != cudaSuccess) {
          abort();
          throw DistributedError(
              fmt::format("rank {}: CUDA error during NCCL {}: {}", rank(), what, cudaGetErrorString(done)));
        }
        return true;
      },
      [&] { abort(); });
}

void NcclCommunicator::reduce_sum_raw(torch::Tensor& buffer) {
  if (!buffer.is_cuda()) return MpiCommunicator::reduce_sum_raw(buffer);
  enqueued("all-reduce",
           ncclAllReduce(buffer.data_ptr(), buffer.data_ptr(), static_cast<std::size_t>(buffer.numel()),
                         nccl_type(buffer), ncclSum, comm_, stream()));
}

void NcclCommunicator::gather_raw(const torch::Tensor& send, torch::Tensor& receive) {
  if (!send.is_cuda()) return MpiCommunicator::gather_raw(send, receive);
  enqueued("all-gather",
           ncclAllGather(send.data_ptr(), receive.data_ptr(), static_cast<std::size_t>(send.numel()), nccl_type(send),
                         comm_, stream()));
}

void NcclCommunicator::broadcast_raw(torch::Tensor& buffer, int root) {
  if (!buffer.is_cuda()) return MpiCommunicator::broadcast_raw(buffer, root);
  enqueued("broadcast",
           ncclBroadcast(buffer.data_ptr(), buffer.data_ptr(), static_cast<std::size_t>(buffer.numel()),
                         nccl_type(buffer), root, comm_, stream()));
}

}  // namespace

std::shared_ptr<Communicator> make_nccl_communicator(CollectiveOptions options) {
  return std::make_shared<NcclCommunicator>(options);
}

}  // namespace lacos
