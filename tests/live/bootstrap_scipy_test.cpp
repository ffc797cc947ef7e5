// lacos's bootstrap statistics (eval/bootstrap.h) against scipy and numpy: the same resamples
// (python_stack.py draws lacos's splitmix64 streams again), scipy's Spearman and Pearson on each,
// numpy's percentiles and the paired p-value over them; and scipy.stats.bootstrap's own percentile
// interval, drawn with its own generator, as an independent check of the method.
#include "eval/bootstrap.h"
#include "live_support.h"
#include "test_support.h"

#include <cmath>
#include <random>

namespace lacos {
namespace {

TEST(BootstrapScipy, IntervalsAndPairedPValuesMatchScipy) {
  // 300 pairs; gold in steps of 0.2 (ties, as in STS), A closer to gold than B.
  std::mt19937_64 generator(7);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<double> gold, a, b;
  for (int i = 0; i < 300; ++i) {
    gold.push_back(std::round(std::uniform_real_distribution<double>(0.0, 5.0)(generator) * 5.0) / 5.0);
    a.push_back(gold.back() + 1.2 * noise(generator));
    b.push_back(gold.back() + 1.6 * noise(generator));
  }
  const BootstrapOptions options{/*resamples=*/200, /*seed=*/12345, /*level=*/0.95};
  const std::filesystem::path data = live::live_dir() / "bootstrap-data.json";
  const std::filesystem::path out = live::live_dir() / "bootstrap-scipy.json";
  std::filesystem::create_directories(live::live_dir());
  write_json_file(data,
                  Json{{"gold", gold},
                       {"predicted_a", a},
                       {"predicted_b", b},
                       {"seed", options.seed},
                       {"resamples", options.resamples},
                       {"level", options.level}});
  live::run_python_stack("bootstrap --data " + test::quoted(data) + " --out " + test::quoted(out));
  if (HasFatalFailure()) return;
  const Json scipy = read_json_file(out);
  for (const auto& [name, which] : {std::pair{"spearman", Correlation::spearman}, {"pearson", Correlation::pearson}}) {
    SCOPED_TRACE(name);
    const Json& expected = scipy.at(name);
    for (int i = 0; i < options.resamples; ++i) {
      ASSERT_NEAR(resampled_correlation(a, gold, which, options.seed, i),
                  expected.at("resampled_a").at(i).get<double>(), 1e-9)
          << "resample " << i;
    }
    const Interval interval = bootstrap_interval(a, gold, which, options);
    EXPECT_NEAR(interval.low, expected.at("interval_a").at(0).get<double>(), 1e-9);
    EXPECT_NEAR(interval.high, expected.at("interval_a").at(1).get<double>(), 1e-9);
    const PairedComparison paired = paired_bootstrap(a, b, gold, which, options);
    EXPECT_NEAR(paired.difference, expected.at("difference").get<double>(), 1e-9);
    EXPECT_NEAR(paired.interval.low, expected.at("difference_interval").at(0).get<double>(), 1e-9);
    EXPECT_NEAR(paired.interval.high, expected.at("difference_interval").at(1).get<double>(), 1e-9);
    EXPECT_NEAR(paired.p_value, expected.at("p_value").get<double>(), 1e-12);
    EXPECT_EQ(paired.resamples, options.resamples);
    // scipy's own resamples: the same interval up to Monte-Carlo error (x100 units; the interval is
    // about 17 wide here, 1,000 lacos resamples against 2,000 of scipy's).
    const Interval many = bootstrap_interval(a, gold, which, BootstrapOptions{1000, 1, 0.95});
    EXPECT_NEAR(many.low, expected.at("scipy_bootstrap_interval_a").at(0).get<double>(), 1.5);
    EXPECT_NEAR(many.high, expected.at("scipy_bootstrap_interval_a").at(1).get<double>(), 1.5);
  }
}

}  // namespace
}  // namespace lacos
