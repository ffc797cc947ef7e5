// Host tensors onto the compute device without making the host wait. On CUDA the data goes
// through pinned memory with a non-blocking copy on LibTorch's current stream: the kernels that
// use it are ordered after it on the device, and the caching host allocator keeps the pinned
// block alive until the copy has run. (A plain .to(cuda) from pageable memory blocks the host
// until the device has drained its queue: a synchronisation per training step.)
#pragma once

#include <torch/torch.h>

namespace lacos {

// `tensor` on `device` (itself when already there).
torch::Tensor to_device(const torch::Tensor& tensor, const torch::Device& device);

}  // namespace lacos
