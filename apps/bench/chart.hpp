// SPDX-License-Identifier: MIT
// Self-contained SVG line charts for mqtk-bench's HTML reports.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mqtk::app::bench::chart {

struct line {
  std::string name;   ///< legend text
  std::string colour; ///< CSS colour, e.g. "#1f6feb"; empty picks one from a fixed palette
  std::vector<std::pair<double, double>> points; ///< (x, y) in data units, drawn in order
  bool dashed = false;
};

enum class scale {
  linear,
  percentile ///< x in [0, 1): drawn at -log10(1 - x) (HdrHistogram style), ticks 0%, 90%, 99%,
             ///< 99.9%, 99.99%, 99.999%
};

struct spec {
  std::string id;      ///< the <svg> element's id attribute (omitted when empty)
  std::string title;   ///< drawn at the top of the chart
  std::string x_label; ///< axis title with unit, e.g. "time (s)"
  std::string y_label; ///< e.g. "messages/s"
  scale x_scale = scale::linear;
  bool y_from_zero =
      true; ///< y axis starts at 0 (else at the data's minimum, rounded down to a tick)
  double width = 760, height = 320; ///< height grows if the legend needs many rows
  std::vector<line> lines;
};

/// One <svg> element (no XML prolog; it is embedded in HTML), self-contained: no scripts, no
/// external resources.
std::string svg(const spec& s);

} // namespace mqtk::app::bench::chart
