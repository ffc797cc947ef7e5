// The bootstrap's own properties (eval/bootstrap.h); its numbers are checked against scipy in
// tests/live/bootstrap_scipy_test.cpp.
#include "eval/bootstrap.h"
#include "core/error.h"
#include "eval/correlation.h"
#include "test_support.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace lacos {
namespace {

std::vector<double> noisy_predictions(const std::vector<double>& gold, double sigma, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::normal_distribution<double> noise(0.0, sigma);
  std::vector<double> out;
  for (const double g : gold) out.push_back(g + noise(generator));
  return out;
}

std::vector<double> tied_gold_scores(int n) {
  std::vector<double> gold;
  for (int i = 0; i < n; ++i) gold.push_back((i * 37 % 26) / 5.0);  // 0..5 in steps of 0.2, with ties
  return gold;
}

TEST(Bootstrap, ResamplesDependOnlyOnSeedIndexAndSize) {
  const auto first = bootstrap_indices(500, 3, 0);
  EXPECT_EQ(first, bootstrap_indices(500, 3, 0));
  EXPECT_NE(first, bootstrap_indices(500, 3, 1));
  EXPECT_NE(first, bootstrap_indices(500, 4, 0));
  EXPECT_LT(*std::max_element(first.begin(), first.end()), 500u);
  // With replacement: about 1 - 1/e of the pairs appear in a resample.
  std::vector<std::uint32_t> distinct = first;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  EXPECT_NEAR(static_cast<double>(distinct.size()) / 500.0, 1.0 - std::exp(-1.0), 0.05);
}

TEST(Bootstrap, IntervalsHoldTheScoreAndSeparateAClearWinner) {
  const std::vector<double> gold = tied_gold_scores(400);
  const std::vector<double> good = noisy_predictions(gold, 0.8, 1), poor = noisy_predictions(gold, 2.5, 2);
  const BootstrapOptions options;
  const Interval interval = bootstrap_interval(good, gold, Correlation::spearman, options);
  const double score = 100.0 * spearman(good, gold);
  EXPECT_LT(interval.low, score);
  EXPECT_GT(interval.high, score);
  EXPECT_LT(interval.high - interval.low, 15.0);
  const PairedComparison clear = paired_bootstrap(good, poor, gold, Correlation::spearman, options);
  EXPECT_GT(clear.difference, 0.0);
  EXPECT_GT(clear.interval.low, 0.0);
  EXPECT_LT(clear.p_value, 0.01);
  EXPECT_EQ(clear.resamples, 1000);
  // A system against itself: no difference, p = 1.
  const PairedComparison same = paired_bootstrap(good, good, gold, Correlation::pearson, options);
  EXPECT_EQ(same.difference, 0.0);
  EXPECT_EQ(same.p_value, 1.0);
  // Two systems equally far from gold: no evidence either way.
  const PairedComparison even = paired_bootstrap(noisy_predictions(gold, 1.0, 3), noisy_predictions(gold, 1.0, 4), gold,
                                                 Correlation::spearman, options);
  EXPECT_GT(even.p_value, 0.05);
  EXPECT_LT(even.interval.low, 0.0);
  EXPECT_GT(even.interval.high, 0.0);
}

TEST(Bootstrap, QuantilesInterpolateAsNumpy) {
  EXPECT_DOUBLE_EQ(quantile({1, 2, 3, 4}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 0.025), 1.075);  // numpy.percentile([1,2,3,4], 2.5)
  EXPECT_DOUBLE_EQ(quantile({7}, 0.975), 7.0);
}

TEST(Bootstrap, MeanIntervalResamplesTheValues) {
  std::vector<double> hits;
  for (int i = 0; i < 200; ++i) hits.push_back(i % 10 < 3 ? 1.0 : (i % 7 == 0 ? 0.5 : 0.0));
  const BootstrapOptions options{500, 11, 0.9};
  std::vector<double> means;
  for (int r = 0; r < options.resamples; ++r) {
    double sum = 0;
    for (const std::uint32_t index : bootstrap_indices(hits.size(), options.seed, r)) sum += hits[index];
    means.push_back(sum / static_cast<double>(hits.size()));
  }
  const Interval interval = bootstrap_mean_interval(hits, options);
  EXPECT_DOUBLE_EQ(interval.low, quantile(means, 0.05));
  EXPECT_DOUBLE_EQ(interval.high, quantile(means, 0.95));
  double mean = 0;
  for (const double hit : hits) mean += hit / static_cast<double>(hits.size());
  EXPECT_LT(interval.low, mean);
  EXPECT_GT(interval.high, mean);
  EXPECT_ERROR_CONTAINS(bootstrap_mean_interval({1.0}, options), "needs 2");
}

TEST(Bootstrap, BadInputsAreErrors) {
  const std::vector<double> gold = tied_gold_scores(10);
  EXPECT_ERROR_CONTAINS(bootstrap_interval({1, 2}, gold, Correlation::spearman, {}), "2 predictions for 10 gold");
  EXPECT_ERROR_CONTAINS(bootstrap_interval(gold, gold, Correlation::spearman, {0, 0, 0.95}), "at least 1");
  EXPECT_ERROR_CONTAINS(bootstrap_interval(gold, gold, Correlation::spearman, {10, 0, 1.0}), "level");
  // A constant prediction has no correlation: the interval and the comparison say so (NaN).
  const std::vector<double> flat(10, 1.0);
  EXPECT_TRUE(std::isnan(bootstrap_interval(flat, gold, Correlation::spearman, {}).low));
  EXPECT_TRUE(std::isnan(paired_bootstrap(flat, gold, gold, Correlation::spearman, {}).p_value));
}

TEST(Bootstrap, PerfectCorrelationsStayWithinOneHundred) {
  // sxy / sqrt(sxx * syy) of exactly linear data lands an ulp above 1 for about a fifth of such
  // sets; a score or interval bound of 100.00000000000003 broke readers that check the range.
  std::mt19937_64 generator(7);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  BootstrapOptions options;
  options.resamples = 50;
  for (int set = 0; set < 200; ++set) {
    std::vector<double> x, y;
    for (int i = 0; i < 2 + set % 5; ++i) {
      x.push_back(uniform(generator));
      y.push_back(0.3 * x.back() + 0.1);
    }
    EXPECT_LE(pearson(x, y), 1.0) << "set " << set;
    const Interval interval = bootstrap_interval(x, y, Correlation::pearson, options);
    if (!std::isnan(interval.high)) EXPECT_LE(interval.high, 100.0) << "set " << set;
  }
}

}  // namespace
}  // namespace lacos
