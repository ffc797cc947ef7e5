// The multiple-negatives ranking loss (sentence-transformers' MultipleNegativesRankingLoss):
// cross-entropy over scale x cos(anchor_i, candidate_j), label i, where the candidates are all
// positives of the batch (each anchor's positive, every other positive an in-batch negative),
// followed by the hard negatives when given. The symmetric variant also ranks anchors for each
// positive and averages the two losses.
#pragma once

#include <torch/torch.h>

namespace lacos {

struct MnrOptions {
  double scale = 20.0;
  bool symmetric = false;
};

// anchors, positives: [B, H]; hard_negatives: [B, H] or undefined. Returns a scalar.
torch::Tensor mnr_loss(const torch::Tensor& anchors, const torch::Tensor& positives,
                       const torch::Tensor& hard_negatives, const MnrOptions& options = {});

}  // namespace lacos
