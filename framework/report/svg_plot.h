// A small SVG line/scatter chart: axes with readable ticks (linear or log10 x), one colour per
// series with a legend, title and axis labels. Enough for reports, with no dependency.
#pragma once

#include <string>
#include <vector>

namespace lacos {

struct PlotSeries {
  std::string label;
  std::vector<double> x, y;
  bool lines = true;  // false: markers only
};

struct PlotSpec {
  std::string title, x_label, y_label;
  bool log_x = false;
  std::vector<PlotSeries> series;
};

std::string render_svg(const PlotSpec& spec);

}  // namespace lacos
