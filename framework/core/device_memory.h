// Peak tensor memory of one device, reset per measurement: on CUDA the caching allocator's peak
// allocated bytes (what torch.cuda.max_memory_allocated reports), on the CPU the tracking
// allocator's peak (core/cpu_memory.h). Tensors already allocated count in the peak.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace lacos {

void reset_peak_memory(const torch::Device& device);
std::int64_t peak_memory_bytes(const torch::Device& device);
// Tensor bytes allocated on the device now (the same accounting as the peak).
std::int64_t current_memory_bytes(const torch::Device& device);
// "NVIDIA H100 80GB HBM3 (cuda:0)" or "cpu (16 cores)": what a benchmark ran on.
std::string device_description(const torch::Device& device);
// Waits for the device's queued work (a no-op on the CPU), so that timings are complete.
void synchronize(const torch::Device& device);

}  // namespace lacos
