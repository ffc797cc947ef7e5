#include "report/svg_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace lacos {

namespace {

constexpr double kWidth = 780, kHeight = 440, kLeft = 80, kRight = 250, kTop = 50, kBottom = 60;
const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

// A legend entry that fits the space right of the plot (32 characters of 12px DejaVu Sans): a
// longer label keeps its first 31 characters (code points) and an ellipsis.
std::string legend_text(const std::string& label) {
  constexpr std::size_t kMaxCharacters = 32;
  std::vector<std::size_t> starts;  // byte offset of each code point
  for (std::size_t i = 0; i < label.size(); ++i)
    if ((static_cast<unsigned char>(label[i]) & 0xC0) != 0x80) starts.push_back(i);
  if (starts.size() <= kMaxCharacters) return label;
  return label.substr(0, starts[kMaxCharacters - 1]) + "…";
}

// "Nice" tick positions (1, 2, 5 x 10^k) covering [low, high].
std::vector<double> linear_ticks(double low, double high) {
  const double span = high - low;
  const double raw = span / 5;
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * magnitude;
    if (span / step <= 6) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(low / step) * step; t <= high + step * 1e-9; t += step)
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

std::string tick_label(double value) {
  const double magnitude = std::abs(value);
  if (magnitude >= 1e9) return fmt::format("{:g}G", value / 1e9);
  if (magnitude >= 1e6) return fmt::format("{:g}M", value / 1e6);
  if (magnitude >= 1e4) return fmt::format("{:g}k", value / 1e3);
  return fmt::format("{:g}", value);
}

}  // namespace

std::string render_svg(const PlotSpec& spec) {
  double x_min = std::numeric_limits<double>::infinity(), x_max = -x_min, y_min = x_min, y_max = -x_min;
  for (const PlotSeries& series : spec.series) {
    for (std::size_t i = 0; i < series.x.size() && i < series.y.size(); ++i) {
      if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i]) || (spec.log_x && series.x[i] <= 0)) continue;
      const double x = spec.log_x ? std::log10(series.x[i]) : series.x[i];
      x_min = std::min(x_min, x);
      x_max = std::max(x_max, x);
      y_min = std::min(y_min, series.y[i]);
      y_max = std::max(y_max, series.y[i]);
      if (i < series.y_low.size() && std::isfinite(series.y_low[i])) y_min = std::min(y_min, series.y_low[i]);
      if (i < series.y_high.size() && std::isfinite(series.y_high[i])) y_max = std::max(y_max, series.y_high[i]);
    }
  }
  const bool empty = !std::isfinite(x_min);
  if (empty) x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  if (x_max - x_min < 1e-12) {  // one x (e.g. one evaluation per run): a range around it in round numbers
    const double pad = spec.log_x ? 0.5 : std::max(0.5, std::abs(x_min) * 0.5);
    x_min -= pad, x_max += pad;
  }
  if (y_max - y_min < 1e-12) y_min -= 0.5, y_max += 0.5;
  const double y_pad = (y_max - y_min) * 0.08, x_pad = (x_max - x_min) * 0.05;
  y_min -= y_pad, y_max += y_pad, x_min -= x_pad, x_max += x_pad;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const auto px = [&](double x) { return kLeft + (x - x_min) / (x_max - x_min) * plot_w; };
  const auto py = [&](double y) { return kTop + (y_max - y) / (y_max - y_min) * plot_h; };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      kWidth, kHeight);
  svg += fmt::format("<text x=\"{}\" y=\"28\" font-size=\"15\" text-anchor=\"middle\">{}</text>\n", kLeft + plot_w / 2,
                     escape(spec.title));
  // Grid and ticks.
  for (double t : linear_ticks(y_min, y_max)) {
    svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e5e5e5\"/>\n", kLeft,
                       py(t), kLeft + plot_w, py(t));
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", kLeft - 6, py(t) + 4,
                       tick_label(t));
  }
  std::vector<double> x_ticks;
  if (spec.log_x) {
    for (double e = std::floor(x_min); e <= std::ceil(x_max); e += 1) {
      for (double m : {1.0, 2.0, 5.0}) {
        const double v = e + std::log10(m);
        if (v >= x_min && v <= x_max) x_ticks.push_back(v);
      }
    }
  } else {
    x_ticks = linear_ticks(x_min, x_max);
  }
  for (double t : x_ticks) {
    svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e5e5e5\"/>\n", px(t),
                       kTop, px(t), kTop + plot_h);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", px(t), kTop + plot_h + 18,
                       tick_label(spec.log_x ? std::pow(10, t) : t));
  }
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n", kLeft,
                     kTop, plot_w, plot_h);
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", kLeft + plot_w / 2,
                     kHeight - 15, escape(spec.x_label + (spec.log_x ? " (log scale)" : "")));
  svg += fmt::format("<text transform=\"translate(20,{:.1f}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
                     kTop + plot_h / 2, escape(spec.y_label));
  if (empty) {
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#888\">no data</text>\n",
                       kLeft + plot_w / 2, kTop + plot_h / 2);
  }
  // Series and legend. Past the palette's 10 colours, series repeat them with square markers and
  // dotted lines, so no two data series look alike.
  constexpr std::size_t kPalette = sizeof(kColours) / sizeof(kColours[0]);
  std::size_t legend_rows = 0;
  for (std::size_t s = 0; s < spec.series.size(); ++s) {
    const PlotSeries& series = spec.series[s];
    const std::size_t palette = series.colour >= 0 ? static_cast<std::size_t>(series.colour) : s;
    const char* colour = kColours[palette % kPalette];
    const bool second_look = (palette / kPalette) % 2 == 1;
    const std::string dashes = series.dashed ? " stroke-dasharray=\"6,4\""
        : second_look                        ? " stroke-dasharray=\"2,2\""
                                             : "";
    const auto marker = [&](double x, double y) {
      return second_look ? fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"7\" height=\"7\" fill=\"{}\"/>\n",
                                       x - 3.5, y - 3.5, colour)
                         : fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"/>\n", x, y, colour);
    };
    std::string points;
    for (std::size_t i = 0; i < series.x.size() && i < series.y.size(); ++i) {
      if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i]) || (spec.log_x && series.x[i] <= 0)) continue;
      const double x = px(spec.log_x ? std::log10(series.x[i]) : series.x[i]), y = py(series.y[i]);
      points += fmt::format("{:.1f},{:.1f} ", x, y);
      if (i < series.y_low.size() && i < series.y_high.size() && std::isfinite(series.y_low[i]) &&
          std::isfinite(series.y_high[i])) {
        const double low = py(series.y_low[i]), high = py(series.y_high[i]);
        svg += fmt::format(
            "<path d=\"M{0:.1f},{1:.1f}V{2:.1f}M{3:.1f},{1:.1f}H{4:.1f}M{3:.1f},{2:.1f}H{4:.1f}\" stroke=\"{5}\" "
            "stroke-width=\"1.2\" fill=\"none\"/>\n",
            x, low, high, x - 4, x + 4, colour);
      }
      if (!series.dashed && (!series.lines || series.x.size() <= 12)) svg += marker(x, y);
    }
    if (series.lines && !points.empty()) {
      svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\"{}/>\n", points,
                         colour, dashes);
    }
    // The legend shows each series as drawn: its line (solid, dotted or dashed) and its marker.
    if (!series.in_legend) continue;
    const double ly = kTop + 10 + 18 * static_cast<double>(legend_rows++);
    const double lx = kLeft + plot_w + 10;
    if (series.lines) {
      svg += fmt::format(
          "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"1.6\"{}/>\n", lx,
          ly - 4, lx + 20, ly - 4, colour, dashes);
    }
    if (!series.dashed) svg += marker(lx + 10, ly - 4);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", lx + 26, ly, escape(legend_text(series.label)));
  }
  return svg + "</svg>\n";
}

}  // namespace lacos
