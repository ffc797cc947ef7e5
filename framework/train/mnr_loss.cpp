#include "train/mnr_loss.h"

namespace lacos {

namespace {
torch::Tensor cosine_matrix(const torch::Tensor& a, const torch::Tensor& b) {
  namespace F = torch::nn::functional;
  const auto unit = F::NormalizeFuncOptions().p(2).dim(1);
  return torch::matmul(F::normalize(a, unit), F::normalize(b, unit).t());
}
}  // namespace

torch::Tensor mnr_loss(const torch::Tensor& anchors, const torch::Tensor& positives,
                       const torch::Tensor& hard_negatives, const MnrOptions& options) {
  const torch::Tensor candidates = hard_negatives.defined() ? torch::cat({positives, hard_negatives}) : positives;
  const torch::Tensor scores = cosine_matrix(anchors, candidates) * options.scale;  // [B, B or 2B]
  const torch::Tensor labels = torch::arange(anchors.size(0), torch::TensorOptions().dtype(torch::kInt64).device(anchors.device()));
  const torch::Tensor forward_loss = torch::nn::functional::cross_entropy(scores, labels);
  if (!options.symmetric) return forward_loss;
  const torch::Tensor backward_loss =
      torch::nn::functional::cross_entropy(scores.narrow(1, 0, positives.size(0)).t(), labels);
  return (forward_loss + backward_loss) / 2;
}

}  // namespace lacos
