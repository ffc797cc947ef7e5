// The multiple-negatives ranking loss, and GradCache's equality with the direct computation.
#include "lora/apply_lora.h"
#include "model/checkpoint_loader.h"
#include "model/random_init.h"
#include "test_support.h"
#include "train/mnr_step.h"

#include <cmath>

namespace lacos {
namespace {

TEST(MnrLoss, MatchesHandComputation) {
  // Orthogonal unit anchors; positive 0 equals anchor 0, positive 1 is at 90 degrees to anchor 1.
  const torch::Tensor anchors = torch::tensor({{1.0f, 0.0f}, {0.0f, 2.0f}});
  const torch::Tensor positives = torch::tensor({{3.0f, 0.0f}, {1.0f, 0.0f}});
  // cos: row 0 = [1, 1], row 1 = [0, 0]; scale 20 -> CE row 0 = log(2), row 1 = log(2).
  const double loss = mnr_loss(anchors, positives, torch::Tensor(), {20.0, false}).item<double>();
  EXPECT_NEAR(loss, std::log(2.0), 1e-6);
  // With a hard negative equal to each anchor: row 0 scores [20, 20, 20, 0], row 1 [0, 0, 0, 20].
  const torch::Tensor negatives = anchors.clone();
  const double with_negatives = mnr_loss(anchors, positives, negatives, {20.0, false}).item<double>();
  const double row0 = -20 + std::log(3 * std::exp(20.0) + 1);
  const double row1 = -0 + std::log(3 + std::exp(20.0));
  EXPECT_NEAR(with_negatives, (row0 + row1) / 2, 1e-4);
}

TEST(MnrLoss, SymmetricAveragesBothDirections) {
  torch::manual_seed(0);
  const torch::Tensor a = torch::randn({5, 8});
  const torch::Tensor p = torch::randn({5, 8});
  const double forward = mnr_loss(a, p, torch::Tensor(), {20.0, false}).item<double>();
  const double backward = mnr_loss(p, a, torch::Tensor(), {20.0, false}).item<double>();
  EXPECT_NEAR(mnr_loss(a, p, torch::Tensor(), {20.0, true}).item<double>(), (forward + backward) / 2, 1e-5);
}

SiameseEncoder dropout_encoder() {
  return SiameseEncoder(test::tiny_bloom_with_dropout(1, {"query_key_value", "dense_h_to_4h"}), Pooling::Mean, 3, 64);
}

PairBatch pairs() {
  PairBatch batch;
  for (int i = 0; i < 6; ++i) {
    batch.anchors.push_back({static_cast<std::int32_t>(10 + i), 20, 30, static_cast<std::int32_t>(40 + 3 * i)});
    batch.positives.push_back({static_cast<std::int32_t>(50 + i), 60, static_cast<std::int32_t>(70 + i)});
    batch.negatives.push_back({static_cast<std::int32_t>(100 + 7 * i), 5, 6, 7, 8});
  }
  return batch;
}

std::vector<torch::Tensor> take_grads(BloomModelImpl& model) {
  std::vector<torch::Tensor> grads;
  for (auto& [name, parameter] : trainable_parameters(model)) {
    grads.push_back(parameter.grad().clone());
    parameter.mutable_grad() = torch::Tensor();
  }
  return grads;
}

TEST(CachedMnr, GradientsEqualTheDirectLossWithDropoutOn) {
  SiameseEncoder encoder = dropout_encoder();
  const PairBatch batch = pairs();
  for (bool symmetric : {false, true}) {
    const MnrOptions options{20.0, symmetric};
    torch::manual_seed(42);
    const double direct_loss = mnr_backward(encoder, batch, options, /*mini_batch_size=*/5).item<double>();
    const auto direct = take_grads(*encoder.model());
    torch::manual_seed(42);
    const double cached_loss = cached_mnr_backward(encoder, batch, options, /*mini_batch_size=*/5).item<double>();
    const auto cached = take_grads(*encoder.model());
    EXPECT_NEAR(direct_loss, cached_loss, 1e-6);
    double worst = 0;
    for (std::size_t i = 0; i < direct.size(); ++i)
      worst = std::max(worst, (direct[i] - cached[i]).abs().max().item<double>());
    std::printf("[gradcache] symmetric=%d: loss %.6f, max |grad cached - grad direct| = %.3g\n", symmetric, cached_loss,
                worst);
    EXPECT_LT(worst, 1e-5);
    // Dropout is on: a different RNG stream gives a different loss.
    torch::manual_seed(7);
    const double other = mnr_backward(encoder, batch, options, 5).item<double>();
    take_grads(*encoder.model());
    EXPECT_GT(std::abs(other - direct_loss), 1e-6);
  }
}

TEST(CachedMnr, NeedsAMiniBatchSize) {
  SiameseEncoder encoder = dropout_encoder();
  EXPECT_ERROR_CONTAINS(cached_mnr_backward(encoder, pairs(), {}, 0), "positive mini-batch size");
}

}  // namespace
}  // namespace lacos
