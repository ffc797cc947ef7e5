// Gradient norm and clipping without a host read: torch.nn.utils.clip_grad_norm_'s arithmetic
// (per-tensor norms in one multi-tensor pass, their norm, a clamped scale factor applied in
// another), with the norm handed back as a 0-dim tensor on the gradients' device, so that a
// training step reads it only when it logs.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace lacos {

// The total L2 norm of the parameters' gradients (those that have one), float32, 0-dim; with
// max_norm > 0 the gradients are first scaled in place by min(1, max_norm / (norm + 1e-6)).
torch::Tensor clip_grad_norm(const std::vector<torch::Tensor>& parameters, double max_norm);

}  // namespace lacos
