// The scaling-curve fit (report/power_law_fit.h) against scipy.optimize.curve_fit on the same
// points: 4 model sizes x 3 seeds, weighted by each point's sigma.
#include "live_support.h"
#include "report/power_law_fit.h"
#include "test_support.h"

#include <random>

namespace lacos {
namespace {

TEST(PowerLawScipy, ParametersAndErrorsMatchCurveFit) {
  std::mt19937_64 generator(11);
  std::normal_distribution<double> noise(0.0, 0.6);
  std::vector<double> parameters, score, sigma;
  for (const double n : {1.8e6, 4.6e6, 9.1e6, 17.3e6}) {
    for (int seed = 0; seed < 3; ++seed) {
      parameters.push_back(n);
      score.push_back(60.0 - 20.0 * std::pow(n / 1e6, -0.7) + noise(generator));
      sigma.push_back(0.4 + 0.1 * seed);
    }
  }
  const std::filesystem::path data = live::live_dir() / "powerlaw-data.json";
  const std::filesystem::path out = live::live_dir() / "powerlaw-scipy.json";
  std::filesystem::create_directories(live::live_dir());
  write_json_file(data, Json{{"parameters", parameters}, {"score", score}, {"sigma", sigma}});
  live::run_python_stack("powerlaw --data " + test::quoted(data) + " --out " + test::quoted(out));
  if (HasFatalFailure()) return;
  const Json scipy = read_json_file(out);
  const PowerLawFit fit = fit_power_law(parameters, score, sigma);
  ASSERT_TRUE(fit.converged);
  std::printf("lacos: a=%.4f±%.4f b=%.4f±%.4f c=%.4f±%.4f; scipy: a=%.4f b=%.4f c=%.4f\n", fit.a, fit.standard_error[0],
              fit.b, fit.standard_error[1], fit.c, fit.standard_error[2], scipy["params"][0].get<double>(),
              scipy["params"][1].get<double>(), scipy["params"][2].get<double>());
  const double lacos_params[3] = {fit.a, fit.b, fit.c};
  for (int i = 0; i < 3; ++i) {
    const double expected = scipy["params"][i].get<double>(), error = scipy["errors"][i].get<double>();
    EXPECT_NEAR(lacos_params[i], expected, 1e-5 * std::max(1.0, std::abs(expected))) << "parameter " << i;
    EXPECT_NEAR(fit.standard_error[i], error, 1e-4 * error) << "standard error " << i;
  }
}

}  // namespace
}  // namespace lacos
