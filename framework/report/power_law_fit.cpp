#include "report/power_law_fit.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lacos {

namespace {

using Matrix3 = std::array<std::array<double, 3>, 3>;
using Vector3 = std::array<double, 3>;

struct Points {
  std::vector<double> x;       // N / kPowerLawScale
  std::vector<double> y;       // scores
  std::vector<double> weight;  // 1 / sigma^2
};

// Solves m * out = v by Gaussian elimination with partial pivoting; false when singular.
bool solve3(Matrix3 m, Vector3 v, Vector3& out) {
  for (int col = 0; col < 3; ++col) {
    int pivot = col;
    for (int row = col + 1; row < 3; ++row)
      if (std::abs(m[row][col]) > std::abs(m[pivot][col])) pivot = row;
    if (std::abs(m[pivot][col]) < 1e-300) return false;
    std::swap(m[col], m[pivot]);
    std::swap(v[col], v[pivot]);
    for (int row = col + 1; row < 3; ++row) {
      const double factor = m[row][col] / m[col][col];
      for (int k = col; k < 3; ++k) m[row][k] -= factor * m[col][k];
      v[row] -= factor * v[col];
    }
  }
  for (int row = 2; row >= 0; --row) {
    double sum = v[row];
    for (int k = row + 1; k < 3; ++k) sum -= m[row][k] * out[k];
    out[row] = sum / m[row][row];
  }
  return true;
}

double chi_square(const Points& p, const Vector3& theta) {
  double sum = 0;
  for (std::size_t i = 0; i < p.x.size(); ++i) {
    const double r = p.y[i] - (theta[0] - theta[1] * std::pow(p.x[i], -theta[2]));
    sum += p.weight[i] * r * r;
  }
  return sum;
}

// J^T W J and J^T W r at theta (J: the model's derivatives by a, b, c).
void normal_equations(const Points& p, const Vector3& theta, Matrix3& jtj, Vector3& jtr) {
  jtj = {};
  jtr = {};
  for (std::size_t i = 0; i < p.x.size(); ++i) {
    const double power = std::pow(p.x[i], -theta[2]);
    const Vector3 gradient = {1.0, -power, theta[1] * power * std::log(p.x[i])};
    const double r = p.y[i] - (theta[0] - theta[1] * power);
    for (int j = 0; j < 3; ++j) {
      jtr[j] += p.weight[i] * gradient[j] * r;
      for (int k = 0; k < 3; ++k) jtj[j][k] += p.weight[i] * gradient[j] * gradient[k];
    }
  }
}

// For a fixed exponent the model is linear in (a, b): the best (a, b) by weighted least squares.
Vector3 linear_start(const Points& p, double c) {
  double sw = 0, su = 0, sy = 0, suu = 0, suy = 0;
  for (std::size_t i = 0; i < p.x.size(); ++i) {
    const double u = -std::pow(p.x[i], -c);  // score = a + b * u
    sw += p.weight[i];
    su += p.weight[i] * u;
    sy += p.weight[i] * p.y[i];
    suu += p.weight[i] * u * u;
    suy += p.weight[i] * u * p.y[i];
  }
  const double b = (sw * suy - su * sy) / (sw * suu - su * su);
  return {(sy - b * su) / sw, b, c};
}

Points points_of(const std::vector<double>& parameters, const std::vector<double>& score,
                 const std::vector<double>& sigma) {
  if (parameters.size() != score.size() || (!sigma.empty() && sigma.size() != score.size()))
    fail("power-law fit: {} sizes, {} scores and {} sigmas", parameters.size(), score.size(), sigma.size());
  Points p;
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (!(parameters[i] > 0) || !std::isfinite(score[i]) || (!sigma.empty() && !(sigma[i] > 0)))
      fail(
          "power-law fit: point {} (N = {}, score {}, sigma {}) is not a positive size with a finite score and "
          "positive sigma",
          i, parameters[i], score[i], sigma.empty() ? 1.0 : sigma[i]);
    p.x.push_back(parameters[i] / kPowerLawScale);
    p.y.push_back(score[i]);
    p.weight.push_back(sigma.empty() ? 1.0 : 1.0 / (sigma[i] * sigma[i]));
  }
  // Three parameters need three sizes: through two, a whole family of curves fits equally well.
  std::vector<double> sizes = p.x;
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  if (sizes.size() < 3)
    fail("power-law fit: needs 3 or more model sizes, got {} ({} points)", sizes.size(), p.x.size());
  return p;
}

}  // namespace

double PowerLawFit::operator()(double parameters) const { return a - b * std::pow(parameters / kPowerLawScale, -c); }

PowerLawFit fit_power_law(const std::vector<double>& parameters, const std::vector<double>& score,
                          const std::vector<double>& sigma) {
  const Points p = points_of(parameters, score, sigma);
  // Start from the best exponent on a grid (each with its linear a, b), then refine all three.
  Vector3 theta = linear_start(p, 0.5);
  for (double c = 0.02; c <= kMaxExponent; c *= 1.1) {
    const Vector3 candidate = linear_start(p, c);
    if (chi_square(p, candidate) < chi_square(p, theta)) theta = candidate;
  }
  PowerLawFit fit;
  double lambda = 1e-3, current = chi_square(p, theta);
  for (int iteration = 0; iteration < 500; ++iteration) {
    Matrix3 jtj;
    Vector3 jtr, step{};
    normal_equations(p, theta, jtj, jtr);
    Matrix3 damped = jtj;
    for (int j = 0; j < 3; ++j) damped[j][j] += lambda * jtj[j][j];
    if (!solve3(damped, jtr, step)) break;
    const Vector3 trial = {theta[0] + step[0], theta[1] + step[1],
                           std::clamp(theta[2] + step[2], kMinExponent, kMaxExponent)};
    const double next = chi_square(p, trial);
    if (next < current) {
      const bool small = current - next <= 1e-15 * std::max(current, 1e-300);
      theta = trial;
      current = next;
      lambda = std::max(lambda / 10, 1e-12);
      if (small) {
        fit.converged = true;
        break;
      }
    } else {
      lambda *= 10;
      if (lambda > 1e12) {  // no step lowers the residual: a minimum
        fit.converged = true;
        break;
      }
    }
  }
  fit.a = theta[0];
  fit.b = theta[1];
  fit.c = theta[2];
  fit.exponent_at_bound = theta[2] <= kMinExponent * 1.000001 || theta[2] >= kMaxExponent * 0.999999;
  fit.chi_square = current;
  fit.degrees_of_freedom = static_cast<int>(p.x.size()) - 3;
  // scipy's default (absolute_sigma=False): the inverse of J^T W J, scaled by chi^2 / dof.
  Matrix3 jtj;
  Vector3 unused;
  normal_equations(p, theta, jtj, unused);
  for (int j = 0; j < 3; ++j) {
    Vector3 unit{}, column{};
    unit[j] = 1.0;
    const bool solved = fit.degrees_of_freedom > 0 && solve3(jtj, unit, column);
    fit.standard_error[j] =
        solved ? std::sqrt(column[j] * current / fit.degrees_of_freedom) : std::numeric_limits<double>::quiet_NaN();
  }
  return fit;
}

}  // namespace lacos
