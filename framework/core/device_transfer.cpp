#include "core/device_transfer.h"

namespace lacos {

torch::Tensor to_device(const torch::Tensor& tensor, const torch::Device& device) {
  if (tensor.device() == device) return tensor;
  if (device.is_cuda() && tensor.is_cpu()) return tensor.pin_memory().to(device, /*non_blocking=*/true);
  return tensor.to(device);
}

}  // namespace lacos
