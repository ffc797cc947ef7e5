#include "model/alibi.h"
#include "model/attention_bias.h"
#include "test_support.h"

#include <cmath>

namespace lacos {
namespace {

void expect_slopes(std::int64_t heads, const std::vector<double>& expected) {
  const torch::Tensor slopes = alibi_slopes(heads);
  ASSERT_EQ(slopes.size(0), static_cast<std::int64_t>(expected.size()));
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(slopes[i].item<double>(), expected[i], 1e-7) << "head " << i << " of " << heads;
  }
}

TEST(Alibi, PowerOfTwoHeads) {
  expect_slopes(4, {0.25, 0.0625, 0.015625, 0.00390625});
  std::vector<double> eight;
  for (int i = 1; i <= 8; ++i) eight.push_back(std::pow(0.5, i));
  expect_slopes(8, eight);
}

TEST(Alibi, OtherHeadCountsInterleaveTheNextSequence) {
  // 6 heads: the 4-head slopes, then odd powers of the 8-head base (1/2): 1/2, 1/8.
  expect_slopes(6, {0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125});
  // 12 heads: the 8-head slopes, then odd powers of the 16-head base 2^-0.5.
  std::vector<double> twelve;
  for (int i = 1; i <= 8; ++i) twelve.push_back(std::pow(0.5, i));
  for (int i : {1, 3, 5, 7}) twelve.push_back(std::pow(std::sqrt(0.5), i));
  expect_slopes(12, twelve);
}

TEST(Alibi, PositionsCountRealTokensOnly) {
  const torch::Tensor mask = torch::tensor({{1, 1, 1, 0}, {0, 1, 1, 1}}, torch::kInt64);
  const torch::Tensor bias = alibi_bias(mask, torch::tensor({1.0f}));  // [2, 1, 1, 4]
  EXPECT_TRUE(torch::equal(bias.view({2, 4}), torch::tensor({{0.f, 1.f, 2.f, 0.f}, {0.f, 0.f, 1.f, 2.f}})));
}

TEST(Alibi, AttentionBiasMasksFutureAndPadding) {
  const torch::Tensor mask = torch::tensor({{0, 1, 1}}, torch::kInt64);
  const torch::Tensor bias = attention_bias(mask, torch::tensor({1.0f}), torch::kFloat32).view({3, 3});
  const float lowest = std::numeric_limits<float>::lowest();
  // Key 0 is padding: masked for every query; key j > i masked (causal).
  EXPECT_EQ(bias[1][0].item<float>(), lowest);
  EXPECT_EQ(bias[1][1].item<float>(), 0.0f);
  EXPECT_EQ(bias[1][2].item<float>(), lowest);
  EXPECT_EQ(bias[2][1].item<float>(), 0.0f);
  EXPECT_EQ(bias[2][2].item<float>(), 1.0f);
}

}  // namespace
}  // namespace lacos
