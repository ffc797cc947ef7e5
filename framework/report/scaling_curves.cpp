#include "report/scaling_curves.h"

#include "core/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace lacos {

namespace {

struct SizePoints {
  std::vector<double> values;
  std::vector<std::pair<double, double>> intervals;
};

std::pair<double, double> mean_and_deviation(const std::vector<double>& values) {
  double mean = 0;
  for (const double v : values) mean += v / static_cast<double>(values.size());
  double squares = 0;
  for (const double v : values) squares += (v - mean) * (v - mean);
  return {mean, values.size() > 1 ? std::sqrt(squares / static_cast<double>(values.size() - 1)) : 0.0};
}

// The fit over one experiment's points: every seed's value when a size has several, else one
// point per size weighted by its interval (a 95% interval is about +-1.96 sigma).
void fit_curve(ScalingCurve& curve, const std::map<double, SizePoints>& by_size) {
  std::vector<double> x, y, sigma;
  bool weighted = curve.seeds_per_size == 1;
  for (const auto& [size, points] : by_size) {
    for (std::size_t i = 0; i < points.values.size(); ++i) {
      x.push_back(size);
      y.push_back(points.values[i]);
      const auto [low, high] = points.intervals[i];
      const double s = (high - low) / (2 * 1.96);
      weighted = weighted && std::isfinite(s) && s > 0;
      sigma.push_back(s);
    }
  }
  if (by_size.size() < 3) {
    curve.fit_note = fmt::format("no fit: {} model size(s); the power law's 3 parameters need 3", by_size.size());
    return;
  }
  try {
    curve.fit = fit_power_law(x, y, weighted ? sigma : std::vector<double>{});
    curve.fit_note = curve.seeds_per_size > 1 ? fmt::format("{} runs (seeds), unweighted", x.size())
        : weighted                            ? fmt::format("{} runs, weighted by their bootstrap intervals", x.size())
                                              : fmt::format("{} runs, unweighted", x.size());
    if (curve.fit->degrees_of_freedom == 0) curve.fit_note += "; exact through 3 points, so no standard errors";
    if (curve.fit->exponent_at_bound) {
      curve.fit_note += fmt::format(
          "; c reached its bound ({}): the scores {} within the sizes measured, so b and c are not determined",
          curve.fit->c, curve.fit->c >= kMaxExponent * 0.999999 ? "level off" : "do not level off");
    }
  } catch (const Error& error) {
    curve.fit_note = std::string("no fit: ") + error.what();
  }
}

}  // namespace

std::vector<ScalingCurve> scaling_curves(const std::vector<ReportRun>& runs, const RunValue& value,
                                         const RunInterval& interval, bool fit) {
  std::map<std::string, std::map<double, SizePoints>> by_experiment;
  for (const ReportRun& run : runs) {
    const double v = value(run);
    if (!std::isfinite(v) || run.params_total <= 0) continue;
    SizePoints& points = by_experiment[run.experiment][static_cast<double>(run.params_total)];
    points.values.push_back(v);
    points.intervals.push_back(interval ? interval(run) : std::pair{std::nan(""), std::nan("")});
  }
  std::vector<ScalingCurve> curves;
  for (const auto& [experiment, by_size] : by_experiment) {
    ScalingCurve curve;
    curve.experiment = experiment;
    for (const auto& [size, points] : by_size) {
      curve.runs += static_cast<int>(points.values.size());
      curve.seeds_per_size = std::max(curve.seeds_per_size, static_cast<int>(points.values.size()));
      const auto [mean, deviation] = mean_and_deviation(points.values);
      curve.sizes.push_back(size);
      curve.centre.push_back(mean);
      if (points.values.size() > 1) {
        curve.low.push_back(mean - deviation);
        curve.high.push_back(mean + deviation);
      } else {
        curve.low.push_back(points.intervals[0].first);
        curve.high.push_back(points.intervals[0].second);
      }
    }
    if (fit) fit_curve(curve, by_size);
    curves.push_back(std::move(curve));
  }
  return curves;
}

PlotSpec scaling_plot(const std::vector<ScalingCurve>& curves, const std::string& title, const std::string& y_label,
                      bool compact) {
  PlotSpec spec{title, "parameters", y_label, true, {}};
  const auto bars_of = [](const ScalingCurve& curve) {
    return curve.seeds_per_size > 1 ? "mean ± std over seeds" : "95% interval";
  };
  if (compact && !curves.empty()) spec.title += fmt::format(" ({}; dashed: fits)", bars_of(curves.front()));
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const ScalingCurve& curve = curves[i];
    const std::string name = curve.experiment.empty() ? "runs" : curve.experiment;
    PlotSeries points{compact ? name : fmt::format("{} ({})", name, bars_of(curve)), curve.sizes, curve.centre,
                      curve.sizes.size() > 1};
    points.y_low = curve.low;
    points.y_high = curve.high;
    points.colour = static_cast<int>(i);
    spec.series.push_back(points);
    if (!curve.fit) continue;
    // A fit whose exponent sits at its bound follows the points but its parameters mean little.
    PlotSeries line{fmt::format("fit: {:.1f} - {:.1f}(N/1M)^-{:.2f}{}", curve.fit->a, curve.fit->b, curve.fit->c,
                                curve.fit->exponent_at_bound ? " (c at bound)" : ""),
                    {},
                    {},
                    true};
    // From the smallest size to twice the largest (a short extrapolation), evenly on the log scale:
    // below the data a power law plunges and would squeeze the points into a corner.
    const double first = std::log10(curve.sizes.front()), last = std::log10(curve.sizes.back() * 2);
    for (int k = 0; k <= 60; ++k) {
      const double n = std::pow(10.0, first + (last - first) * k / 60.0);
      line.x.push_back(n);
      line.y.push_back((*curve.fit)(n));
    }
    line.dashed = true;
    line.colour = static_cast<int>(i);
    line.in_legend = !compact;
    spec.series.push_back(line);
  }
  return spec;
}

std::string fit_rows(const std::vector<ScalingCurve>& curves, const std::string& lead, bool brief) {
  std::string md;
  for (const ScalingCurve& curve : curves) {
    if (!curve.fit) {
      md += fmt::format("{}| {} | | | | {} |\n", lead, curve.experiment, curve.fit_note);
      continue;
    }
    const PowerLawFit& f = *curve.fit;
    const auto with_error = [](double value, double error) {
      return std::isfinite(error) ? fmt::format("{:.2f} ± {:.2f}", value, error) : fmt::format("{:.2f}", value);
    };
    if (brief && f.exponent_at_bound) {  // a and b are then not determined: not worth a column of noise
      // At the lower bound the curve is close to linear in log N, rising or falling with b's sign.
      const char* shape = f.c >= kMaxExponent * 0.999999 ? "levelled off within the sizes"
          : f.b > 0                                      ? "still rising, no limit in sight"
                                                         : "falling with size";
      md += fmt::format("{}| {} | – | – | {:.2f} (bound) | {} runs; {} |\n", lead, curve.experiment, f.c, curve.runs,
                        shape);
      continue;
    }
    md += fmt::format("{}| {} | {} | {} | {} | {} |\n", lead, curve.experiment, with_error(f.a, f.standard_error[0]),
                      with_error(f.b, f.standard_error[1]), with_error(f.c, f.standard_error[2]),
                      brief ? fmt::format("{} runs", curve.runs) : curve.fit_note);
  }
  return md;
}

std::string fit_table(const std::vector<ScalingCurve>& curves, const std::string& metric) {
  return fmt::format("Fits of {} = a - b (N / 1M)^(-c), N = parameters; ± one standard error.\n\n", metric) +
      "| experiment | a (limit) | b | c (exponent) | fitted on |\n|---|---|---|---|---|\n" +
      fit_rows(curves, "", /*brief=*/false);
}

}  // namespace lacos
