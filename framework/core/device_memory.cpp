#include "core/device_memory.h"

#include "core/cpu_memory.h"
#include "core/error.h"

#include <torch/cuda.h>

#include <thread>

#ifdef LACOS_TORCH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace lacos {

void reset_peak_memory(const torch::Device& device) {
  if (!device.is_cuda()) return CpuMemoryTracker::instance().reset_peak();
#ifdef LACOS_TORCH_CUDA
  synchronize(device);
  c10::cuda::CUDACachingAllocator::resetPeakStats(device.has_index() ? device.index() : 0);
#else
  fail("this build's LibTorch has no CUDA: no memory statistics for {}", device.str());
#endif
}

std::int64_t peak_memory_bytes(const torch::Device& device) {
  if (!device.is_cuda()) return CpuMemoryTracker::instance().peak_bytes();
#ifdef LACOS_TORCH_CUDA
  synchronize(device);
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.has_index() ? device.index() : 0);
  return static_cast<std::int64_t>(stats.allocated_bytes[0].peak);  // [0]: the aggregate over pool kinds
#else
  fail("this build's LibTorch has no CUDA: no memory statistics for {}", device.str());
#endif
}

std::int64_t current_memory_bytes(const torch::Device& device) {
  if (!device.is_cuda()) return CpuMemoryTracker::instance().current_bytes();
#ifdef LACOS_TORCH_CUDA
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.has_index() ? device.index() : 0);
  return static_cast<std::int64_t>(stats.allocated_bytes[0].current);
#else
  fail("this build's LibTorch has no CUDA: no memory statistics for {}", device.str());
#endif
}

std::string device_description(const torch::Device& device) {
  if (!device.is_cuda()) return fmt::format("cpu ({} cores)", std::thread::hardware_concurrency());
#ifdef LACOS_TORCH_CUDA
  const auto* properties = at::cuda::getDeviceProperties(device.has_index() ? device.index() : 0);
  return fmt::format("{} ({}, {:.0f} GiB)", properties->name, device.str(),
                     properties->totalGlobalMem / (1024.0 * 1024.0 * 1024.0));
#else
  return device.str();
#endif
}

void synchronize(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.has_index() ? device.index() : -1);
}

}  // namespace lacos
