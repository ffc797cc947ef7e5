#include "core/cpu_memory.h"

#include <c10/core/CPUAllocator.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace lacos {

namespace {

std::atomic<std::int64_t> g_current{0};
std::atomic<std::int64_t> g_peak{0};

void count(std::int64_t bytes) {
  const std::int64_t now = g_current.fetch_add(bytes) + bytes;
  std::int64_t peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
}

// Live allocations by data pointer. The context of every DataPtr handed out is its data pointer
// itself, as c10::Allocator::raw_allocate requires (bfloat16 matmuls on the CPU allocate raw
// buffers): the deleter finds the inner allocation and its size here.
struct Allocation {
  c10::DataPtr inner;
  std::int64_t bytes;
};
std::mutex g_mutex;
std::unordered_map<void*, Allocation>& live() {
  static auto* allocations = new std::unordered_map<void*, Allocation>();  // outlives static destructors
  return *allocations;
}

void release(void* data) {
  if (data == nullptr) return;
  Allocation allocation;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = live().find(data);
    if (it == live().end()) return;
    allocation = std::move(it->second);
    live().erase(it);
  }
  g_current.fetch_sub(allocation.bytes);
  // allocation.inner frees through the inner allocator's deleter when it goes out of scope.
}

class TrackingAllocator final : public c10::Allocator {
 public:
  explicit TrackingAllocator(c10::Allocator* inner) : inner_(inner) {}

  c10::DataPtr allocate(std::size_t bytes) override {
    c10::DataPtr inner = inner_->allocate(bytes);
    void* data = inner.get();
    const c10::Device device = inner.device();
    if (data == nullptr) return inner;  // zero bytes
    count(static_cast<std::int64_t>(bytes));
    {
      std::lock_guard<std::mutex> lock(g_mutex);
      live()[data] = Allocation{std::move(inner), static_cast<std::int64_t>(bytes)};
    }
    return {data, data, &release, device};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  void copy_data(void* destination, const void* source, std::size_t bytes) const override {
    std::memcpy(destination, source, bytes);
  }

 private:
  c10::Allocator* inner_;
};

}  // namespace

CpuMemoryTracker& CpuMemoryTracker::instance() {
  static CpuMemoryTracker tracker = [] {
    static TrackingAllocator allocator(c10::GetCPUAllocator());
    c10::SetCPUAllocator(&allocator, /*priority=*/255);
    return CpuMemoryTracker();
  }();
  return tracker;
}

std::int64_t CpuMemoryTracker::current_bytes() const { return g_current.load(); }
std::int64_t CpuMemoryTracker::peak_bytes() const { return g_peak.load(); }
void CpuMemoryTracker::reset_peak() { g_peak.store(g_current.load()); }

}  // namespace lacos
