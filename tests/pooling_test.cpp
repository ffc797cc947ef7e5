#include "model/pooling.h"
#include "test_support.h"

namespace lacos {
namespace {

// Two rows of hidden states [1, 3, 1] with values equal to 10 x position + 1.
torch::Tensor hidden() { return torch::tensor({{{1.f}, {11.f}, {21.f}}, {{1.f}, {11.f}, {21.f}}}); }

TEST(Pooling, MeanOverRealTokens) {
  const torch::Tensor mask = torch::tensor({{1, 1, 0}, {0, 1, 1}});
  const torch::Tensor pooled = pool(hidden(), mask, Pooling::Mean);
  EXPECT_FLOAT_EQ(pooled[0][0].item<float>(), 6.f);   // (1 + 11) / 2
  EXPECT_FLOAT_EQ(pooled[1][0].item<float>(), 16.f);  // (11 + 21) / 2
}

TEST(Pooling, WeightedMeanWeighsByPositionAmongRealTokens) {
  const torch::Tensor mask = torch::tensor({{1, 1, 0}, {0, 1, 1}});
  const torch::Tensor pooled = pool(hidden(), mask, Pooling::WeightedMean);
  EXPECT_FLOAT_EQ(pooled[0][0].item<float>(), (1.f * 1 + 2.f * 11) / 3);
  EXPECT_FLOAT_EQ(pooled[1][0].item<float>(), (1.f * 11 + 2.f * 21) / 3);  // left padding: same weights 1, 2
}

TEST(Pooling, LastTokenIsTheLastRealPosition) {
  const torch::Tensor mask = torch::tensor({{1, 1, 0}, {0, 1, 1}});
  const torch::Tensor pooled = pool(hidden(), mask, Pooling::LastToken);
  EXPECT_FLOAT_EQ(pooled[0][0].item<float>(), 11.f);
  EXPECT_FLOAT_EQ(pooled[1][0].item<float>(), 21.f);
}

TEST(Pooling, NonFiniteValuesAtPaddingDoNotLeak) {
  torch::Tensor states = hidden();
  states[0][2][0] = std::numeric_limits<float>::quiet_NaN();
  const torch::Tensor mask = torch::tensor({{1, 1, 0}, {0, 0, 0}});
  for (Pooling pooling : {Pooling::Mean, Pooling::WeightedMean, Pooling::LastToken}) {
    const torch::Tensor pooled = pool(states, mask, pooling);
    EXPECT_TRUE(torch::isfinite(pooled).all().item<bool>()) << pooling_name(pooling);
    EXPECT_FLOAT_EQ(pooled[1][0].item<float>(), 0.f);  // no real token: zeros
  }
}

TEST(Pooling, Names) {
  EXPECT_EQ(parse_pooling("weightedmean"), Pooling::WeightedMean);
  EXPECT_ERROR_CONTAINS(parse_pooling("cls"), "unknown pooling 'cls' (expected mean, weightedmean or lasttoken)");
}

}  // namespace
}  // namespace lacos
