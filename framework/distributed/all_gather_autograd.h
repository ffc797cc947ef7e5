// An all-gather that autograd can see through: forward concatenates every rank's rows (rank
// order); backward sums the incoming gradients over ranks and returns this rank's slice. With it
// each rank computes the MNR loss of its own anchors against the global batch, and the gradient
// that reaches its embeddings is the one of the mean loss over all ranks (times the world size,
// which the gradient averaging divides out again).
#pragma once

#include "distributed/communicator.h"

#include <torch/torch.h>

namespace lacos {

// `local` [n, ...], the same n on every rank -> [size * n, ...]. Every rank must call backward.
torch::Tensor all_gather_with_grad(Communicator& communicator, const torch::Tensor& local);

}  // namespace lacos
