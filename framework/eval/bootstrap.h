// Uncertainty of STS correlations, by resampling the evaluation pairs with replacement.
//
// Resample i of n pairs is drawn from a splitmix64 stream that depends only on (seed, i, n): every
// run and every machine draws the same resamples, so two runs scored on the same pairs are compared
// on the same resamples (a paired bootstrap), and an independent implementation can redraw them
// (tests/live/python_stack.py checks these numbers with scipy).
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace lacos {

enum class Correlation { spearman, pearson };

struct BootstrapOptions {
  int resamples = 1000;
  std::uint64_t seed = 0;
  double level = 0.95;  // the central interval's coverage
};

// The indices of resample `resample` (0-based) of `n` pairs.
std::vector<std::uint32_t> bootstrap_indices(std::size_t n, std::uint64_t seed, int resample);

// The correlation x100 of `predicted` with `gold` on resample `resample`.
double resampled_correlation(const std::vector<double>& predicted, const std::vector<double>& gold, Correlation which,
                             std::uint64_t seed, int resample);

struct Interval {  // NaN until computed
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
};

// The percentile interval: the (1 - level) / 2 and (1 + level) / 2 quantiles (linear
// interpolation, as numpy.percentile) of the resampled correlations x100. Resamples on which the
// correlation is undefined (a constant side) are left out.
Interval bootstrap_interval(const std::vector<double>& predicted, const std::vector<double>& gold, Correlation which,
                            const BootstrapOptions& options);

// The percentile interval of the mean of `values` (e.g. per-query retrieval hits) over
// resamples of its entries, drawn as above.
Interval bootstrap_mean_interval(const std::vector<double>& values, const BootstrapOptions& options);

// A against B on the same gold pairs: the observed difference of correlations x100 (A - B), its
// percentile interval, and the two-sided p-value of "no difference" from the bootstrap
// distribution centred on the observed difference:
//   p = (1 + #{i : |d_i - d| >= |d|}) / (1 + resamples).
struct PairedComparison {
  double difference = 0.0;
  Interval interval;
  double p_value = 1.0;
  int resamples = 0;  // those on which both correlations are defined
};
PairedComparison paired_bootstrap(const std::vector<double>& predicted_a, const std::vector<double>& predicted_b,
                                  const std::vector<double>& gold, Correlation which, const BootstrapOptions& options);

// The linear-interpolation quantile (numpy.percentile's default) of `values`, q in [0, 1].
double quantile(std::vector<double> values, double q);

}  // namespace lacos
