#include "eval/bootstrap.h"

#include "core/error.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lacos {

namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// How often each pair occurs in resample `resample`.
std::vector<std::uint32_t> resample_counts(std::size_t n, std::uint64_t seed, int resample) {
  std::vector<std::uint32_t> counts(n, 0);
  for (const std::uint32_t index : bootstrap_indices(n, seed, resample)) ++counts[index];
  return counts;
}

// One side's values in ascending order, cut into runs of equal values: a resample's average ranks
// then follow from its counts in one pass, without sorting the resample (O(n), not O(n log n)).
struct SortedValues {
  std::vector<std::uint32_t> order;
  std::vector<std::size_t> run_ends;  // end (in `order`) of each run of equal values

  explicit SortedValues(const std::vector<double>& values) : order(values.size()) {
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return values[a] < values[b]; });
    for (std::size_t k = 1; k <= order.size(); ++k)
      if (k == order.size() || values[order[k]] != values[order[k - 1]]) run_ends.push_back(k);
  }

  // The average rank (from 1) of each pair's value within the resample; pairs not drawn keep 0.
  void ranks(const std::vector<std::uint32_t>& counts, std::vector<double>& out) const {
    double below = 0;
    std::size_t start = 0;
    for (const std::size_t end : run_ends) {
      double drawn = 0;
      for (std::size_t k = start; k < end; ++k) drawn += counts[order[k]];
      const double rank = below + (drawn + 1.0) / 2.0;
      for (std::size_t k = start; k < end; ++k) out[order[k]] = rank;
      below += drawn;
      start = end;
    }
  }
};

// Pearson's r of (x_i, y_i), pair i counted counts[i] times; NaN when a side is constant.
double weighted_pearson(const std::vector<double>& x, const std::vector<double>& y,
                        const std::vector<std::uint32_t>& counts) {
  double n = 0, sum_x = 0, sum_y = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    n += counts[i];
    sum_x += counts[i] * x[i];
    sum_y += counts[i] * y[i];
  }
  const double mean_x = sum_x / n, mean_y = sum_y / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (counts[i] == 0) continue;
    const double dx = x[i] - mean_x, dy = y[i] - mean_y;
    sxy += counts[i] * dx * dy;
    sxx += counts[i] * dx * dx;
    syy += counts[i] * dy * dy;
  }
  if (sxx == 0 || syy == 0) return std::nan("");
  // Rounding can put a perfect correlation an ulp past 1 (a resample drawing two distinct pairs).
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

// Scores resamples of one system's predictions against gold (x100).
class ResampleScorer {
 public:
  ResampleScorer(const std::vector<double>& predicted, const std::vector<double>& gold, Correlation which)
      : predicted_(predicted), gold_(gold), which_(which) {
    if (which == Correlation::spearman) {
      sorted_predicted_.emplace_back(predicted);
      sorted_gold_.emplace_back(gold);
    }
  }
  double score(const std::vector<std::uint32_t>& counts) const {
    if (which_ == Correlation::pearson) return 100.0 * weighted_pearson(predicted_, gold_, counts);
    std::vector<double> rank_predicted(counts.size()), rank_gold(counts.size());
    sorted_predicted_[0].ranks(counts, rank_predicted);
    sorted_gold_[0].ranks(counts, rank_gold);
    return 100.0 * weighted_pearson(rank_predicted, rank_gold, counts);
  }

 private:
  const std::vector<double>& predicted_;
  const std::vector<double>& gold_;
  Correlation which_;
  std::vector<SortedValues> sorted_predicted_, sorted_gold_;  // Spearman only
};

void check_bootstrap_inputs(const std::vector<double>& predicted, const std::vector<double>& gold,
                            const BootstrapOptions& options) {
  if (predicted.size() != gold.size())
    fail("bootstrap: {} predictions for {} gold scores", predicted.size(), gold.size());
  if (gold.size() < 2 || gold.size() > UINT32_MAX) fail("bootstrap: needs 2 to 2^32 pairs, got {}", gold.size());
  if (options.resamples < 1) fail("bootstrap: resamples must be at least 1, got {}", options.resamples);
  if (!(options.level > 0.0 && options.level < 1.0))
    fail("bootstrap: the interval's level must be in (0, 1), got {}", options.level);
}

// Each resample's score for each scorer (NaN where undefined), in parallel; a resample depends
// only on its number, so the result does not depend on the thread count.
std::vector<std::vector<double>> resampled_scores(const std::vector<const ResampleScorer*>& scorers, std::size_t n,
                                                  const BootstrapOptions& options) {
  std::vector<std::vector<double>> scores(scorers.size(), std::vector<double>(options.resamples));
  at::parallel_for(0, options.resamples, 8, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const std::vector<std::uint32_t> counts = resample_counts(n, options.seed, static_cast<int>(i));
      for (std::size_t s = 0; s < scorers.size(); ++s)
        scores[s][static_cast<std::size_t>(i)] = scorers[s]->score(counts);
    }
  });
  return scores;
}

std::vector<double> without_nan(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
  return values;
}

Interval percentile_interval(const std::vector<double>& values, double level) {
  if (values.empty()) return {std::nan(""), std::nan("")};
  return {quantile(values, (1.0 - level) / 2.0), quantile(values, (1.0 + level) / 2.0)};
}

double full_sample_score(const std::vector<double>& predicted, const std::vector<double>& gold, Correlation which) {
  return ResampleScorer(predicted, gold, which).score(std::vector<std::uint32_t>(gold.size(), 1));
}

}  // namespace

std::vector<std::uint32_t> bootstrap_indices(std::size_t n, std::uint64_t seed, int resample) {
  // One stream per resample: its start mixes the seed and the resample's number.
  std::uint64_t state = seed ^ (0xD1B54A32D192ED03ull * (static_cast<std::uint64_t>(resample) + 1));
  std::vector<std::uint32_t> indices(n);
  for (std::uint32_t& index : indices) {
    // Lemire's multiply-high maps 64 random bits onto [0, n) (bias below n / 2^64).
    index = static_cast<std::uint32_t>((static_cast<unsigned __int128>(splitmix64(state)) * n) >> 64);
  }
  return indices;
}

double resampled_correlation(const std::vector<double>& predicted, const std::vector<double>& gold, Correlation which,
                             std::uint64_t seed, int resample) {
  check_bootstrap_inputs(predicted, gold, BootstrapOptions{});
  return ResampleScorer(predicted, gold, which).score(resample_counts(gold.size(), seed, resample));
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) fail("quantile of no values");
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

Interval bootstrap_interval(const std::vector<double>& predicted, const std::vector<double>& gold, Correlation which,
                            const BootstrapOptions& options) {
  check_bootstrap_inputs(predicted, gold, options);
  const ResampleScorer scorer(predicted, gold, which);
  return percentile_interval(without_nan(resampled_scores({&scorer}, gold.size(), options)[0]), options.level);
}

Interval bootstrap_mean_interval(const std::vector<double>& values, const BootstrapOptions& options) {
  check_bootstrap_inputs(values, values, options);
  std::vector<double> means(static_cast<std::size_t>(options.resamples));
  at::parallel_for(0, options.resamples, 8, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      double sum = 0;
      for (const std::uint32_t index : bootstrap_indices(values.size(), options.seed, static_cast<int>(i)))
        sum += values[index];
      means[static_cast<std::size_t>(i)] = sum / static_cast<double>(values.size());
    }
  });
  return percentile_interval(means, options.level);
}

PairedComparison paired_bootstrap(const std::vector<double>& predicted_a, const std::vector<double>& predicted_b,
                                  const std::vector<double>& gold, Correlation which, const BootstrapOptions& options) {
  check_bootstrap_inputs(predicted_a, gold, options);
  check_bootstrap_inputs(predicted_b, gold, options);
  PairedComparison result;
  result.difference = full_sample_score(predicted_a, gold, which) - full_sample_score(predicted_b, gold, which);
  const ResampleScorer a(predicted_a, gold, which), b(predicted_b, gold, which);
  const std::vector<std::vector<double>> scores = resampled_scores({&a, &b}, gold.size(), options);
  std::vector<double> differences;
  for (int i = 0; i < options.resamples; ++i)
    if (!std::isnan(scores[0][i]) && !std::isnan(scores[1][i])) differences.push_back(scores[0][i] - scores[1][i]);
  result.resamples = static_cast<int>(differences.size());
  if (std::isnan(result.difference)) {  // a constant side: nothing to compare
    result.interval = {std::nan(""), std::nan("")};
    result.p_value = std::nan("");
    return result;
  }
  result.interval = percentile_interval(differences, options.level);
  std::size_t as_extreme = 0;
  for (const double d : differences)
    if (std::abs(d - result.difference) >= std::abs(result.difference)) ++as_extreme;
  result.p_value = static_cast<double>(1 + as_extreme) / static_cast<double>(1 + differences.size());
  return result;
}

}  // namespace lacos
