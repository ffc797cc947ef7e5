// A small SVG line/scatter chart: axes with readable ticks (linear or log10 x), one colour per
// series with a legend, title and axis labels, error bars, dashed lines for fitted curves. Enough
// for reports, with no dependency.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace lacos {

struct PlotSeries {
  PlotSeries() = default;
  PlotSeries(std::string label_, std::vector<double> x_, std::vector<double> y_, bool lines_ = true)
      : label(std::move(label_)), x(std::move(x_)), y(std::move(y_)), lines(lines_) {}

  std::string label;
  std::vector<double> x, y;
  bool lines = true;                  // false: markers only
  std::vector<double> y_low, y_high;  // error bars, one per point (empty: none; NaN: none at that point)
  bool dashed = false;                // a fitted curve rather than data
  int colour = -1;                    // index into the palette (-1: the series' position)
  bool in_legend = true;              // false: drawn but not listed (e.g. fits whose table says more)
};

struct PlotSpec {
  std::string title, x_label, y_label;
  bool log_x = false;
  std::vector<PlotSeries> series;
};

std::string render_svg(const PlotSpec& spec);

}  // namespace lacos
