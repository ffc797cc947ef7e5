// The multiple-negatives ranking loss (sentence-transformers' MultipleNegativesRankingLoss):
// cross-entropy over scale x cos(anchor_i, candidate_j), label i, where the candidates are all
// positives of the batch (each anchor's positive, every other positive an in-batch negative),
// followed by the hard negatives when given. The symmetric variant also ranks anchors for each
// positive and averages the two losses.
#pragma once

#include <torch/torch.h>

namespace lacos {

class Communicator;

struct MnrOptions {
  double scale = 20.0;
  bool symmetric = false;
  // Data parallelism with global in-batch negatives: each rank holds its slice of the global
  // batch; the candidates are gathered from all ranks (distributed/all_gather_autograd.h) and each rank's
  // loss covers its own anchors. The mean over ranks equals the loss of the global batch on one
  // rank. Null or a world of one: the plain loss.
  Communicator* global_batch = nullptr;
};

// anchors, positives: [B, H]; hard_negatives: [B, H] or undefined. Returns a scalar.
torch::Tensor mnr_loss(const torch::Tensor& anchors, const torch::Tensor& positives,
                       const torch::Tensor& hard_negatives, const MnrOptions& options = {});

// The loss of `anchors` rows [offset, offset + b) of the global batch: candidates are the global
// positives (and hard negatives); with `symmetric`, the local positives rank the global anchors.
// `local_positives` are rows [offset, offset + b) of `all_positives`.
torch::Tensor mnr_loss_rows(const torch::Tensor& local_anchors, const torch::Tensor& local_positives,
                            const torch::Tensor& all_anchors, const torch::Tensor& all_positives,
                            const torch::Tensor& all_hard_negatives, std::int64_t offset, const MnrOptions& options);

}  // namespace lacos
