#include "train/mnr_loss.h"

#include "distributed/all_gather_autograd.h"

namespace lacos {

namespace {
torch::Tensor cosine_matrix(const torch::Tensor& a, const torch::Tensor& b) {
  namespace F = torch::nn::functional;
  const auto unit = F::NormalizeFuncOptions().p(2).dim(1);
  return torch::matmul(F::normalize(a, unit), F::normalize(b, unit).t());
}
}  // namespace

torch::Tensor mnr_loss_rows(const torch::Tensor& local_anchors, const torch::Tensor& local_positives,
                            const torch::Tensor& all_anchors, const torch::Tensor& all_positives,
                            const torch::Tensor& all_hard_negatives, std::int64_t offset, const MnrOptions& options) {
  const torch::Tensor candidates =
      all_hard_negatives.defined() ? torch::cat({all_positives, all_hard_negatives}) : all_positives;
  const torch::Tensor scores = cosine_matrix(local_anchors, candidates) * options.scale;  // [b, B or 2B]
  const torch::Tensor labels =
      torch::arange(offset, offset + local_anchors.size(0),
                    torch::TensorOptions().dtype(torch::kInt64).device(local_anchors.device()));
  const torch::Tensor forward_loss = torch::nn::functional::cross_entropy(scores, labels);
  if (!options.symmetric) return forward_loss;
  // Each positive ranks the anchors (the transposed positive block of the score matrix).
  const torch::Tensor reverse_scores = cosine_matrix(local_positives, all_anchors) * options.scale;
  const torch::Tensor backward_loss = torch::nn::functional::cross_entropy(reverse_scores, labels);
  return (forward_loss + backward_loss) / 2;
}

torch::Tensor mnr_loss(const torch::Tensor& anchors, const torch::Tensor& positives,
                       const torch::Tensor& hard_negatives, const MnrOptions& options) {
  if (options.global_batch == nullptr || !options.global_batch->distributed()) {
    return mnr_loss_rows(anchors, positives, anchors, positives, hard_negatives, /*offset=*/0, options);
  }
  Communicator& communicator = *options.global_batch;
  const std::int64_t rows = anchors.size(0);
  const std::int64_t offset = communicator.rank() * rows;
  // Local rows are taken from the gathered tensors, so every gradient flows through the gather.
  const torch::Tensor all_anchors = all_gather_with_grad(communicator, anchors);
  const torch::Tensor all_positives = all_gather_with_grad(communicator, positives);
  const torch::Tensor all_negatives =
      hard_negatives.defined() ? all_gather_with_grad(communicator, hard_negatives) : torch::Tensor();
  return mnr_loss_rows(all_anchors.narrow(0, offset, rows), all_positives.narrow(0, offset, rows), all_anchors,
                       all_positives, all_negatives, offset, options);
}

}  // namespace lacos
