#include "optim/grad_norm.h"

namespace lacos {

torch::Tensor clip_grad_norm(const std::vector<torch::Tensor>& parameters, double max_norm) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> grads;
  for (const torch::Tensor& parameter : parameters) {
    if (parameter.grad().defined()) grads.push_back(parameter.grad());
  }
  if (grads.empty()) {
    const torch::Device device = parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
    return torch::zeros({}, torch::TensorOptions().device(device));
  }
  const torch::Tensor total = torch::linalg_vector_norm(torch::stack(torch::_foreach_norm(grads, 2)), 2);
  if (max_norm > 0) {
    // A factor of at most 1 (clamped on the device), so no branch needs the norm on the host.
    torch::_foreach_mul_(grads, torch::clamp_max(max_norm / (total + 1e-6), 1.0));
  }
  return total;
}

}  // namespace lacos
