// The saturating power law of the scaling curves (report/power_law_fit.h); checked against scipy in
// tests/live/power_law_scipy_test.cpp.
#include "report/power_law_fit.h"
#include "core/error.h"
#include "test_support.h"

#include <cmath>

namespace lacos {
namespace {

TEST(PowerLawFit, RecoversAnExactCurveFromAnyScale) {
  std::vector<double> parameters, score;
  for (const double n : {1.8e6, 4.6e6, 9.1e6, 17.3e6, 560e6, 1.7e9, 7.1e9}) {
    parameters.push_back(n);
    score.push_back(72.0 - 25.0 * std::pow(n / 1e6, -0.35));
  }
  const PowerLawFit fit = fit_power_law(parameters, score);
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.a, 72.0, 1e-6);
  EXPECT_NEAR(fit.b, 25.0, 1e-6);
  EXPECT_NEAR(fit.c, 0.35, 1e-8);
  EXPECT_EQ(fit.degrees_of_freedom, 4);
  EXPECT_LT(fit.chi_square, 1e-12);
  EXPECT_NEAR(fit(3e9), 72.0 - 25.0 * std::pow(3000.0, -0.35), 1e-6);
}

TEST(PowerLawFit, ThreePointsHaveNoErrorsAndBadPointsAreRefused) {
  const PowerLawFit exact = fit_power_law({1e6, 4e6, 16e6}, {40, 45, 47.5});
  EXPECT_EQ(exact.degrees_of_freedom, 0);
  EXPECT_TRUE(std::isnan(exact.standard_error[0]));
  EXPECT_NEAR(exact(4e6), 45.0, 1e-6);
  EXPECT_ERROR_CONTAINS(fit_power_law({1e6, 1e6, 2e6}, {1, 2, 3}), "needs 3 or more model sizes, got 2");
  EXPECT_ERROR_CONTAINS(fit_power_law({1e6, -2, 3e6}, {1, 2, 3}), "point 1");
  EXPECT_ERROR_CONTAINS(fit_power_law({1e6, 2e6, 3e6}, {1, NAN, 3}), "finite score");
  EXPECT_ERROR_CONTAINS(fit_power_law({1e6, 2e6}, {1, 2, 3}), "2 sizes, 3 scores");
}

}  // namespace
}  // namespace lacos
