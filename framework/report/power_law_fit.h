// Scaling curves: score against parameter count, fitted by a saturating power law
//   score(N) = a - b * (N / 1e6)^(-c)
// (a: the score approached as N grows, b: how far below it a 1M-parameter model is, c: how fast the
// gap closes). Weighted least squares by Levenberg-Marquardt, as scipy.optimize.curve_fit does,
// with the same standard errors (covariance scaled by the reduced chi-square); checked against it
// in tests/live/power_law_scipy_test.cpp.
#pragma once

#include <array>
#include <vector>

namespace lacos {

struct PowerLawFit {
  double a = 0.0, b = 0.0, c = 0.0;
  std::array<double, 3> standard_error{};  // of a, b, c; NaN without degrees of freedom
  double chi_square = 0.0;                 // weighted sum of squared residuals
  int degrees_of_freedom = 0;              // points - 3
  bool converged = false;
  // c is kept within [kMinExponent, kMaxExponent]; at a bound the scores level off (or keep
  // climbing) within the sizes measured, and b and c are not determined by them.
  bool exponent_at_bound = false;

  double operator()(double parameters) const;  // the fitted score at N parameters
};

inline constexpr double kPowerLawScale = 1e6;  // N is measured in millions of parameters
inline constexpr double kMinExponent = 0.01, kMaxExponent = 3.0;

// Fits the points (parameters[i], score[i]); `sigma` (empty: all 1) weighs each point by 1 / sigma^2.
// Needs 3 or more distinct sizes.
PowerLawFit fit_power_law(const std::vector<double>& parameters, const std::vector<double>& score,
                          const std::vector<double>& sigma = {});

}  // namespace lacos
