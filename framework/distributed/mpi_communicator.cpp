#include "distributed/mpi_communicator.h"

#include "distributed/blocking_call_watchdog.h"
#include "distributed/process_placement.h"

#include "core/stop_signal.h"

#include <fmt/ranges.h>

#include <cstring>
#include <optional>

#include <chrono>
#include <climits>
#include <mutex>
#include <thread>

namespace lacos {

namespace {

using Clock = std::chrono::steady_clock;

MPI_Datatype reduce_type(const torch::Tensor& tensor) {
  switch (tensor.scalar_type()) {
    case torch::kFloat32: return MPI_FLOAT;
    case torch::kFloat64: return MPI_DOUBLE;
    case torch::kInt64: return MPI_INT64_T;
    case torch::kInt32: return MPI_INT32_T;
    case torch::kUInt8: return MPI_UINT8_T;
    default: return MPI_DATATYPE_NULL;
  }
}

int byte_count(const torch::Tensor& tensor, const std::string& what) {
  const std::int64_t bytes = tensor.numel() * static_cast<std::int64_t>(tensor.element_size());
  if (bytes > INT_MAX)
    fail("{}: {} bytes exceed what one MPI call carries ({}); use smaller buckets (dist.bucket_mb)", what, bytes,
         INT_MAX);
  return static_cast<int>(bytes);
}

void check_contiguous(const torch::Tensor& tensor, const char* what) {
  if (!tensor.defined()) fail("{}: undefined tensor", what);
  if (!tensor.is_contiguous()) fail("{}: the tensor must be contiguous (shape {})", what, c10::str(tensor.sizes()));
}

// The buffers of collectives given up on. Never freed (the process ends soon after a timeout), and
// reachable from a static, so leak checkers do not count them.
std::mutex abandoned_mutex;
std::vector<torch::Tensor>& abandoned_buffers() {
  static auto* buffers = new std::vector<torch::Tensor>();
  return *buffers;
}

}  // namespace

std::size_t MpiCommunicator::abandoned_buffer_count() {
  const std::lock_guard<std::mutex> lock(abandoned_mutex);
  return abandoned_buffers().size();
}

MpiCommunicator::MpiCommunicator(CollectiveOptions options) : options_(options) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) fail("the MPI communicator needs MPI initialised (lacos-exp does this; start it with mpirun)");
  // A private communicator whose errors return instead of aborting, so they become exceptions.
  set_blocking_call_timeout(options_.timeout_seconds);  // MPI_Finalize at exit gets the same bound
  {
    int world_rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
    const BlockingCallWatchdog watchdog(fmt::format("rank {}: MPI_Comm_dup", world_rank), options_.timeout_seconds);
    MPI_Comm_dup(MPI_COMM_WORLD, &comm_);
  }
  MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  const ProcessPlacement placement = process_placement();
  local_rank_ = placement.local_rank;
  local_size_ = placement.local_size;
}

MpiCommunicator::~MpiCommunicator() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
}

void MpiCommunicator::check_mpi(int code, const std::string& what) const {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {0};
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw DistributedError(fmt::format("rank {}: MPI error in {}: {} (another rank probably died)", rank_, what,
                                     std::string(text, static_cast<std::size_t>(length))));
}

// Who a collective waits for, named in its errors: "rank 1" in a world of two, else the others.
std::string MpiCommunicator::awaited_ranks() const {
  if (size_ == 2) return fmt::format("rank {}", 1 - rank_);
  if (size_ > 9) return fmt::format("one of the other {} ranks", size_ - 1);
  std::vector<int> others;
  for (int r = 0; r < size_; ++r)
    if (r != rank_) others.push_back(r);
  return fmt::format("one of ranks {}", fmt::join(others, ", "));
}

void MpiCommunicator::wait(const std::string& what, const std::function<bool()>& done,
                           const std::function<void()>& give_up) {
  const auto start = Clock::now();
  std::optional<Clock::time_point> stop_seen;
  for (long polls = 0;; ++polls) {
    bool finished = false;
    try {
      finished = done();
    } catch (const DistributedError&) {
      if (give_up) give_up();
      throw;
    } catch (const std::exception& error) {
      if (give_up) give_up();
      throw DistributedError(fmt::format("rank {}: {}: {}", rank_, what, error.what()));
    }
    if (finished) return;
    const auto now = Clock::now();
    std::string reason;
    if (options_.stop_requested != nullptr && options_.stop_requested->load()) {
      if (!stop_seen) stop_seen = now;
      if (std::chrono::duration<double>(now - *stop_seen).count() > options_.stop_grace_seconds) {
        reason = fmt::format(
            "stopped by signal {} while waiting for {} (no completion within dist.stop_grace_s = {} s of the "
            "signal): another rank ended or the job is being shut down",
            stop_signal_number(), awaited_ranks(), options_.stop_grace_seconds);
      }
    }
    if (reason.empty() && std::chrono::duration<double>(now - start).count() > options_.timeout_seconds) {
      reason = fmt::format("no completion within dist.timeout_s = {} s: {} is stuck or gone (or the network to it)",
                           options_.timeout_seconds, awaited_ranks());
    }
    if (!reason.empty()) {
      if (give_up) give_up();
      throw DistributedError(fmt::format("rank {}: {}: {}", rank_, what, reason));
    }
    // Spin briefly for latency, then sleep so waiting ranks leave the cores to working ones.
    if (polls < 2000) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
}

void MpiCommunicator::wait_request(MPI_Request& request, const std::string& what,
                                   std::initializer_list<torch::Tensor> buffers) {
  const auto keep_buffers = [&] {
    const std::lock_guard<std::mutex> lock(abandoned_mutex);
    abandoned_buffers().insert(abandoned_buffers().end(), buffers.begin(), buffers.end());
  };
  wait(
      what,
      [&] {
        int complete = 0;
        check_mpi(MPI_Test(&request, &complete, MPI_STATUS_IGNORE), what);
        return complete != 0;
      },
      keep_buffers);
}

void MpiCommunicator::reduce_sum_raw(torch::Tensor& buffer) {
  if (reduce_type(buffer) == MPI_DATATYPE_NULL) {
    // bfloat16 / float16 have no MPI type: sum in float32.
    torch::Tensor wide = buffer.to(torch::kFloat32);
    reduce_sum_raw(wide);
    buffer.copy_(wide);
    return;
  }
  if (buffer.numel() > INT_MAX)
    fail("all-reduce of {} elements exceeds one MPI call; use smaller buckets", buffer.numel());
  MPI_Request request;
  check_mpi(MPI_Iallreduce(MPI_IN_PLACE, buffer.data_ptr(), static_cast<int>(buffer.numel()), reduce_type(buffer),
                           MPI_SUM, comm_, &request),
            "all-reduce");
  wait_request(request, "all-reduce", {buffer});
}

void MpiCommunicator::gather_raw(const torch::Tensor& send, torch::Tensor& receive) {
  const int bytes = byte_count(send, "all-gather");
  MPI_Request request;
  check_mpi(MPI_Iallgather(send.data_ptr(), bytes, MPI_BYTE, receive.data_ptr(), bytes, MPI_BYTE, comm_, &request),
            "all-gather");
  wait_request(request, "all-gather", {send, receive});
}

void MpiCommunicator::broadcast_raw(torch::Tensor& buffer, int root) {
  MPI_Request request;
  check_mpi(MPI_Ibcast(buffer.data_ptr(), byte_count(buffer, "broadcast"), MPI_BYTE, root, comm_, &request),
            "broadcast");
  wait_request(request, "broadcast", {buffer});
}

void MpiCommunicator::all_reduce_sum_(torch::Tensor& tensor) {
  check_contiguous(tensor, "all-reduce");
  if (!distributed()) return;
  if (handles(tensor.device())) return reduce_sum_raw(tensor);
  torch::Tensor host = tensor.cpu();
  reduce_sum_raw(host);
  tensor.copy_(host);
}

torch::Tensor MpiCommunicator::all_gather(const torch::Tensor& tensor) {
  if (!tensor.defined() || tensor.dim() == 0) fail("all-gather needs a tensor of at least one dimension");
  const torch::Tensor send = tensor.contiguous();
  std::vector<std::int64_t> shape = send.sizes().vec();
  shape[0] *= size_;
  if (handles(send.device())) {
    torch::Tensor receive = torch::empty(shape, send.options());
    gather_raw(send, receive);
    return receive;
  }
  const torch::Tensor host = send.cpu();
  torch::Tensor receive = torch::empty(shape, host.options());
  gather_raw(host, receive);
  return receive.to(send.device());
}

void MpiCommunicator::broadcast_(torch::Tensor& tensor, int root) {
  check_contiguous(tensor, "broadcast");
  if (!distributed()) return;
  if (handles(tensor.device())) return broadcast_raw(tensor, root);
  torch::Tensor host = tensor.cpu();
  broadcast_raw(host, root);
  tensor.copy_(host);
}

void MpiCommunicator::barrier() {
  MPI_Request request;
  check_mpi(MPI_Ibarrier(comm_, &request), "barrier");
  wait_request(request, "barrier", {});
}

std::string MpiCommunicator::broadcast_text(const std::string& text, int root) {
  torch::Tensor length = torch::tensor({static_cast<std::int64_t>(text.size())}, torch::kInt64);
  MpiCommunicator::broadcast_raw(length, root);
  if (length.item<std::int64_t>() == 0) return {};
  torch::Tensor bytes = torch::empty({length.item<std::int64_t>()}, torch::kUInt8);
  if (rank_ == root) std::memcpy(bytes.data_ptr(), text.data(), text.size());
  MpiCommunicator::broadcast_raw(bytes, root);
  return std::string(static_cast<const char*>(bytes.data_ptr()), static_cast<std::size_t>(bytes.numel()));
}

std::vector<std::string> MpiCommunicator::all_gather_text(const std::string& text) {
  const torch::Tensor length = torch::tensor({static_cast<std::int64_t>(text.size())}, torch::kInt64);
  torch::Tensor lengths = torch::empty({size_}, torch::kInt64);
  MpiCommunicator::gather_raw(length, lengths);
  const std::int64_t longest = lengths.max().item<std::int64_t>();
  torch::Tensor padded = torch::zeros({std::max<std::int64_t>(longest, 1)}, torch::kUInt8);
  std::memcpy(padded.data_ptr(), text.data(), text.size());
  torch::Tensor all = torch::empty({size_ * padded.numel()}, torch::kUInt8);
  MpiCommunicator::gather_raw(padded, all);
  std::vector<std::string> texts;
  for (int r = 0; r < size_; ++r) {
    const char* first = static_cast<const char*>(all.data_ptr()) + r * padded.numel();
    texts.emplace_back(first, static_cast<std::size_t>(lengths[r].item<std::int64_t>()));
  }
  return texts;
}

bool MpiCommunicator::any(bool flag) {
  torch::Tensor value = torch::tensor({flag ? 1.0 : 0.0}, torch::kFloat64);
  MpiCommunicator::reduce_sum_raw(value);
  return value.item<double>() > 0;
}

}  // namespace lacos
