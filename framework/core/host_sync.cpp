#include "core/host_sync.h"

#include "core/error.h"

#include <ATen/record_function.h>

#include <cstdlib>
#include <mutex>
#include <set>

#ifdef LACOS_TORCH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace lacos {

namespace {

// Operators that wait for the device on CUDA: a scalar read, or an output sized by the data.
bool waits_for_device(const char* name) {
  static const std::set<std::string> names = {"aten::_local_scalar_dense",
                                              "aten::nonzero",
                                              "aten::masked_select",
                                              "aten::unique_dim",
                                              "aten::_unique",
                                              "aten::_unique2",
                                              "aten::unique_consecutive",
                                              "aten::equal",
                                              "aten::repeat_interleave",
                                              "aten::bincount"};
  return names.count(name) > 0;
}

std::mutex g_mutex;
std::map<std::string, std::int64_t>& counts() {
  static auto* map = new std::map<std::string, std::int64_t>();
  return *map;
}

std::unique_ptr<at::ObserverContext> on_operator(const at::RecordFunction& function) {
  const char* name = function.name();
  if (name != nullptr && waits_for_device(name)) {
    std::lock_guard<std::mutex> lock(g_mutex);
    ++counts()[name];
  }
  return nullptr;
}

}  // namespace

HostReadCounter::HostReadCounter() {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    counts().clear();
  }
  handle_ = at::addGlobalCallback(at::RecordFunctionCallback(&on_operator).scopes({at::RecordScope::FUNCTION}));
}

HostReadCounter::~HostReadCounter() { at::removeCallback(handle_); }

std::int64_t HostReadCounter::count() const {
  std::lock_guard<std::mutex> lock(g_mutex);
  std::int64_t total = 0;
  for (const auto& [name, n] : counts()) total += n;
  return total;
}

std::map<std::string, std::int64_t> HostReadCounter::by_operator() const {
  std::lock_guard<std::mutex> lock(g_mutex);
  return counts();
}

SyncDebug sync_debug_from_environment() {
  const char* value = std::getenv("LACOS_SYNC_DEBUG");
  const std::string text = value != nullptr ? value : "";
  if (text.empty() || text == "off" || text == "0") return SyncDebug::off;
  if (text == "warn") return SyncDebug::warn;
  if (text == "error") return SyncDebug::error;
  fail("LACOS_SYNC_DEBUG='{}': expected error, warn or off", text);
}

SyncDebugScope::SyncDebugScope(const torch::Device& device, SyncDebug mode) {
#ifdef LACOS_TORCH_CUDA
  if (!device.is_cuda() || mode == SyncDebug::off) return;
  auto& state = c10::cuda::warning_state();
  previous_ = static_cast<int>(state.get_sync_debug_mode());
  state.set_sync_debug_mode(mode == SyncDebug::error ? c10::cuda::SyncDebugMode::L_ERROR
                                                     : c10::cuda::SyncDebugMode::L_WARN);
  active_ = true;
#else
  (void)device;
  (void)mode;
#endif
}

SyncDebugScope::~SyncDebugScope() {
#ifdef LACOS_TORCH_CUDA
  if (active_) c10::cuda::warning_state().set_sync_debug_mode(static_cast<c10::cuda::SyncDebugMode>(previous_));
#endif
}

}  // namespace lacos
