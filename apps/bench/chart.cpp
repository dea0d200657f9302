// SPDX-License-Identifier: MIT
// Rendering chart::spec as an SVG line chart.
#include "bench/chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <limits>
#include <string_view>

namespace mqtk::app::bench::chart {
namespace {

// Text widths are guessed, not measured: there is no script to ask the browser, and a generous
// average glyph width keeps neighbouring labels apart in any sans-serif font.
constexpr double glyph = 7, title_band = 30, legend_row = 18, bottom_band = 46, edge = 12;
// Beyond these magnitudes spans overflow or steps underflow; no real measurement gets there.
constexpr double huge = 1e300, tiny = 1e-300;
constexpr double max_nines = 5; // 99.999%, the right edge of the percentile axis
constexpr std::array<const char*, 6> nines{"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
constexpr std::array<const char*, 6> palette{"#1f6feb", "#2da44e", "#d29922",
                                             "#cf222e", "#8250df", "#57606a"};

std::string escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '\'':
      out += "&#39;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out.push_back(c);
    }
  }
  return out;
}

std::string compact(double v) {
  if (v == 0) return "0"; // also -0, which would print as "-0"
  constexpr std::array<std::pair<double, const char*>, 4> units{
      {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}}};
  if (std::abs(v) >= 999.5e12) return fmt::format("{:.3g}", v);
  // Thresholds sit just under each unit so 999.6k reads "1M" rather than "1e+03k".
  for (const auto& [size, suffix] : units)
    if (std::abs(v) >= size * 0.9995) return fmt::format("{:.3g}{}", v / size, suffix);
  return fmt::format("{:.3g}", v);
}

struct axis {
  double lo = 0, hi = 1;
  std::vector<std::pair<double, std::string>> ticks;
};

int intervals(double length, double per_tick) {
  return std::clamp(static_cast<int>(length / per_tick), 2, 7);
}

// The smallest 1-2-5 step giving at most max_steps intervals once the ends are rounded outwards.
axis nice_axis(double lo, double hi, int max_steps) {
  const double size = std::max(std::abs(lo), std::abs(hi));
  if (!(hi - lo > size * 1e-9)) { // a flat line still needs a visible range around it
    const double pad = size == 0 ? 1 : size * 0.1;
    lo = lo == 0 ? 0 : lo - pad;
    hi += pad;
  }
  const double mag = std::pow(10.0, std::floor(std::log10((hi - lo) / max_steps)));
  double step = mag;
  std::int64_t first = 0, last = 1;
  for (int i = 0; i < 12; ++i) {
    step = mag * std::array{1.0, 2.0, 5.0}[static_cast<std::size_t>(i % 3)] * std::pow(10.0, i / 3);
    // The epsilon keeps 0.30000000000000004 / 0.1 from adding a whole empty interval.
    first = static_cast<std::int64_t>(std::floor(lo / step + 1e-9));
    last = static_cast<std::int64_t>(std::ceil(hi / step - 1e-9));
    if (last - first <= max_steps) break;
  }
  last = std::max(last, first + 1);
  axis a{static_cast<double>(first) * step, static_cast<double>(last) * step, {}};
  for (auto i = first; i <= last; ++i) // multiples of step, so zero is exactly zero
    a.ticks.emplace_back(static_cast<double>(i) * step, compact(static_cast<double>(i) * step));
  return a;
}

axis percentile_axis(double right) {
  const auto n = static_cast<std::size_t>(std::clamp(std::ceil(right - 1e-6), 2.0, max_nines));
  axis a{0, static_cast<double>(n), {}};
  for (std::size_t i = 0; i <= n; ++i)
    a.ticks.emplace_back(static_cast<double>(i), nines[i]);
  return a;
}

// Returns NaN for points to skip; everything else comes back finite and within ±huge.
std::pair<double, double> placed(std::pair<double, double> p, scale sc) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  if (!std::isfinite(p.first) || !std::isfinite(p.second)) return {nan, nan};
  auto tame = [](double v) { return std::abs(v) < tiny ? 0 : std::clamp(v, -huge, huge); };
  double x = tame(p.first);
  if (sc == scale::percentile) x = x >= 0.99999 ? max_nines : -std::log10(1 - std::max(x, 0.0));
  return {x, tame(p.second)};
}

struct bounds {
  double x0 = huge, x1 = -huge, y0 = huge, y1 = -huge;
  bool any = false;
};

bounds bounds_of(const spec& s) {
  bounds b;
  for (const auto& l : s.lines)
    for (const auto& p : l.points)
      if (const auto [x, y] = placed(p, s.x_scale); !std::isnan(x)) {
        b = {std::min(b.x0, x), std::max(b.x1, x), std::min(b.y0, y), std::max(b.y1, y), true};
      }
  return b;
}

struct frame {
  double width = 0, height = 0, left = 0, top = 0, right = 0, bottom = 0;
  axis x, y;
  double px(double v) const { return left + (v - x.lo) / (x.hi - x.lo) * (right - left); }
  double py(double v) const { return bottom - (v - y.lo) / (y.hi - y.lo) * (bottom - top); }
};

std::string colour_of(const spec& s, std::size_t i) {
  return escape(s.lines[i].colour.empty() ? palette[i % palette.size()] : s.lines[i].colour);
}

std::string dash_of(const line& l) {
  return l.dashed ? " stroke-dasharray='6 4'" : "";
}

// Rows of entries between the title and the plot, wrapped to the width, so none covers a line.
std::pair<std::string, int> legend(const spec& s, double left, double right) {
  std::string out;
  double x = left;
  int row = 0;
  for (std::size_t i = 0; i < s.lines.size(); ++i) {
    const auto& l = s.lines[i];
    const double w = 24 + static_cast<double>(l.name.size()) * glyph;
    if (x > left && x + w > right) x = left, ++row;
    const double y = title_band + 12 + row * legend_row;
    out += fmt::format("<g class='legend' data-name='{}'><line x1='{:.1f}' y1='{:.1f}' x2='{:.1f}' "
                       "y2='{:.1f}' stroke='{}' stroke-width='3'{}/><text x='{:.1f}' y='{:.1f}'>{}"
                       "</text></g>",
                       escape(l.name), x, y - 4, x + 18, y - 4, colour_of(s, i), dash_of(l), x + 22,
                       y, escape(l.name));
    x += w + 16;
  }
  return {out, s.lines.empty() ? 0 : row + 1};
}

std::string axes(const frame& f, const spec& s) {
  std::string out;
  for (const auto& [v, label] : f.y.ticks) {
    const double y = f.py(v);
    out += fmt::format("<line x1='{0:.1f}' y1='{2:.1f}' x2='{1:.1f}' y2='{2:.1f}' stroke='{3}'/>"
                       "<line x1='{4:.1f}' y1='{2:.1f}' x2='{0:.1f}' y2='{2:.1f}' stroke='#555'/>"
                       "<text class='y-tick' x='{5:.1f}' y='{6:.1f}' text-anchor='end'>{7}</text>",
                       f.left, f.right, y, v == 0 ? "#999" : "#e5e7eb", f.left - 5, f.left - 8,
                       y + 4, escape(label));
  }
  double taken = -huge; // right edge of the last x label, to drop labels that would overlap it
  for (const auto& [v, label] : f.x.ticks) {
    const double x = f.px(v), half = static_cast<double>(label.size()) * glyph / 2;
    out +=
        fmt::format("<line x1='{0:.1f}' y1='{1:.1f}' x2='{0:.1f}' y2='{2:.1f}' stroke='#e5e7eb'/>"
                    "<line x1='{0:.1f}' y1='{2:.1f}' x2='{0:.1f}' y2='{3:.1f}' stroke='#555'/>",
                    x, f.top, f.bottom, f.bottom + 5);
    if (x - half < taken + 6) continue;
    taken = x + half;
    out += fmt::format("<text class='x-tick' x='{:.1f}' y='{:.1f}' text-anchor='middle'>{}</text>",
                       x, f.bottom + 18, escape(label));
  }
  out += fmt::format("<path d='M{:.1f},{:.1f}V{:.1f}H{:.1f}' fill='none' stroke='#555'/>", f.left,
                     f.top, f.bottom, f.right);
  const double mid_x = (f.left + f.right) / 2, mid_y = (f.top + f.bottom) / 2;
  out += fmt::format("<text class='x-title' x='{:.1f}' y='{:.1f}' text-anchor='middle'>{}</text>"
                     "<text class='y-title' x='16' y='{:.1f}' text-anchor='middle' "
                     "transform='rotate(-90 16 {:.1f})'>{}</text>",
                     mid_x, f.height - 8, escape(s.x_label), mid_y, mid_y, escape(s.y_label));
  return out;
}

std::string series(const frame& f, const spec& s) {
  std::string out;
  for (std::size_t i = 0; i < s.lines.size(); ++i) {
    const auto& l = s.lines[i];
    std::string points;
    std::size_t count = 0;
    double first_x = 0, first_y = 0;
    for (const auto& p : l.points)
      if (const auto [x, y] = placed(p, s.x_scale); !std::isnan(x)) {
        if (count++ == 0) first_x = f.px(x), first_y = f.py(y);
        points += fmt::format("{}{:.1f},{:.1f}", count > 1 ? " " : "", f.px(x), f.py(y));
      }
    const auto name = escape(l.name);
    out += fmt::format("<polyline class='series' data-name='{}' points='{}' fill='none' "
                       "stroke='{}' stroke-width='2' stroke-linejoin='round'{}><title>{}</title>"
                       "</polyline>",
                       name, points, colour_of(s, i), dash_of(l), name);
    if (count == 1) // a single point has no segment to stroke, so mark it
      out += fmt::format("<circle class='marker' cx='{:.1f}' cy='{:.1f}' r='3' fill='{}'/>",
                         first_x, first_y, colour_of(s, i));
  }
  return out;
}

// Order matters: the legend fixes the plot's height, the height the y ticks, their labels the
// left margin, and the margins the x ticks.
std::pair<frame, std::string> layout(const spec& s, const bounds& b) {
  frame f;
  f.width = std::isfinite(s.width) ? std::max(s.width, 240.0) : 760;
  f.height = std::isfinite(s.height) ? std::max(s.height, 160.0) : 320;
  auto [keys, rows] = legend(s, edge, f.width - edge);
  f.top = title_band + rows * legend_row + 14;
  f.height = std::max(f.height, f.top + 100 + bottom_band); // many legend rows grow the chart
  f.bottom = f.height - bottom_band;
  const double lo = s.y_from_zero ? std::min(b.y0, 0.0) : b.y0;
  const double hi = s.y_from_zero ? std::max(b.y1, 0.0) : b.y1;
  f.y = nice_axis(b.any ? lo : 0, b.any ? hi : 1, intervals(f.bottom - f.top, 30));
  std::size_t widest = 1;
  for (const auto& t : f.y.ticks)
    widest = std::max(widest, t.second.size());
  f.left = 30 + static_cast<double>(widest) * glyph;
  if (s.x_scale == scale::percentile)
    f.x = percentile_axis(b.any ? b.x1 : 0);
  else
    f.x = nice_axis(b.any ? b.x0 : 0, b.any ? b.x1 : 1, intervals(f.width - f.left - 20, 80));
  const double last_label = static_cast<double>(f.x.ticks.back().second.size()) * glyph;
  f.right = f.width - std::max(16.0, last_label / 2 + 4); // room for the last x label's right half
  return {f, std::move(keys)};
}

} // namespace

std::string svg(const spec& s) {
  const bounds b = bounds_of(s);
  const auto [f, keys] = layout(s, b);
  std::string out = fmt::format(
      "<svg xmlns='http://www.w3.org/2000/svg'{} width='{:g}' height='{:g}' "
      "viewBox='0 0 {:g} {:g}' font-family='sans-serif' font-size='12' role='img' "
      "aria-label='{}'><text class='chart-title' x='{:.1f}' y='20' text-anchor='middle' "
      "font-size='14' font-weight='bold'>{}</text>",
      s.id.empty() ? "" : fmt::format(" id='{}'", escape(s.id)), f.width, f.height, f.width,
      f.height, escape(s.title), f.width / 2, escape(s.title));
  out += keys + axes(f, s) + series(f, s);
  if (!b.any)
    out += fmt::format("<text class='no-data' x='{:.1f}' y='{:.1f}' text-anchor='middle' "
                       "fill='#888'>no data</text>",
                       (f.left + f.right) / 2, (f.top + f.bottom) / 2);
  return out + "</svg>";
}

} // namespace mqtk::app::bench::chart
