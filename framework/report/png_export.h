// PNG copies of the report's SVG plots, for readers and tools that do not show SVG. Drawn by
// rsvg-convert (Debian's librsvg2-bin, which launch/setup.sh installs) when it is on PATH; without
// it the report keeps its SVGs and says how to get the PNGs.
#pragma once

#include <filesystem>
#include <string>

namespace lacos {

// Writes `png` from `svg` at twice the SVG's size (sharp on high-density screens). Returns false
// when rsvg-convert is not installed; throws an Error naming the file when it fails on one.
bool svg_to_png(const std::filesystem::path& svg, const std::filesystem::path& png);

}  // namespace lacos
