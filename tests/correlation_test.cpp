#include "eval/correlation.h"
#include "test_support.h"

#include <cmath>

namespace lacos {
namespace {

TEST(Correlation, AverageRanksForTies) {
  EXPECT_EQ(average_ranks({10, 20, 20, 5}), (std::vector<double>{2, 3.5, 3.5, 1}));
  EXPECT_EQ(average_ranks({1, 1, 1}), (std::vector<double>{2, 2, 2}));
}

TEST(Correlation, SpearmanWithTiesByHand) {
  // x ranks: 1, 2.5, 2.5, 4; y ranks: 1, 2, 3, 4. Pearson of the ranks:
  // dx = -1.5, 0, 0, 1.5; dy = -1.5, -0.5, 0.5, 1.5; sum dx dy = 4.5; sum dx^2 = 4.5; sum dy^2 = 5.
  const double expected = 4.5 / std::sqrt(4.5 * 5.0);
  EXPECT_NEAR(spearman({1, 2, 2, 3}, {10, 20, 30, 40}), expected, 1e-12);
  EXPECT_NEAR(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0, 1e-12);
}

TEST(Correlation, PearsonByHand) {
  // x = 1, 2, 3; y = 2, 4, 7: dx = -1, 0, 1; dy = -7/3, -1/3, 8/3; r = 5 / sqrt(2 * 38/3).
  EXPECT_NEAR(pearson({1, 2, 3}, {2, 4, 7}), 5.0 / std::sqrt(2.0 * 38.0 / 3.0), 1e-12);
  EXPECT_TRUE(std::isnan(pearson({1, 1, 1}, {1, 2, 3})));
  EXPECT_ERROR_CONTAINS(pearson({1}, {1}), "at least 2 pairs");
}

}  // namespace
}  // namespace lacos
