// SPDX-License-Identifier: MIT
// Writing the CSV and HTML forms of a run.
#include "bench/export.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "bench/report.hpp"

namespace mqtk::app::bench {
namespace {

constexpr std::pair<const char*, double> points[] = {
    {"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p99.9", 0.999}, {"p99.99", 0.9999}};

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out.push_back(c);
  }
  return out;
}

// A line chart of the per-second series: sent (blue) and received (green) per second.
std::string throughput_svg(const results& r) {
  constexpr double w = 640, h = 240, left = 70, bottom = 30;
  std::uint64_t top = 1;
  for (const auto& p : r.series)
    top = std::max({top, p.sent, p.received});
  const auto n = std::max<std::size_t>(r.series.size(), 2);
  auto line = [&](auto value) {
    std::string pts;
    for (std::size_t i = 0; i < r.series.size(); ++i)
      pts += fmt::format("{:.1f},{:.1f} ", left + (w - left - 10) * double(i) / double(n - 1),
                         h - bottom - (h - bottom - 10) * double(value(r.series[i])) / double(top));
    return pts;
  };
  std::string svg = fmt::format("<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}'>"
                                "<line x1='{}' y1='{}' x2='{}' y2='{}' stroke='#888'/>"
                                "<text x='5' y='15' font-size='12'>{} msg/s</text>"
                                "<text x='{}' y='{}' font-size='12'>seconds →</text>",
                                w, h, left, h - bottom, w - 10, h - bottom, top, w - 80, h - 8);
  svg += fmt::format("<polyline fill='none' stroke='#1f6feb' stroke-width='2' points='{}'/>",
                     line([](const progress& p) { return p.sent; }));
  svg += fmt::format("<polyline fill='none' stroke='#2da44e' stroke-width='2' points='{}'/>",
                     line([](const progress& p) { return p.received; }));
  return svg + "</svg>";
}

// Bars for p50 … p99.99 and max, from the intended send time, in microseconds.
std::string latency_svg(const mqtk::bench::histogram& hist) {
  constexpr double w = 640, h = 240, bottom = 40;
  std::vector<std::pair<std::string, double>> bars;
  for (const auto& [label, q] : points)
    bars.emplace_back(label, double(hist.percentile(q)) / 1000.0);
  bars.emplace_back("max", double(hist.max()) / 1000.0);
  double top = 1;
  for (const auto& b : bars)
    top = std::max(top, b.second);
  std::string svg =
      fmt::format("<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}'>", w, h);
  const double slot = w / double(bars.size());
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const double bh = (h - bottom - 20) * bars[i].second / top;
    const double x = slot * double(i) + 10;
    svg += fmt::format("<rect x='{:.1f}' y='{:.1f}' width='{:.1f}' height='{:.1f}' "
                       "fill='#8250df'/><text x='{:.1f}' y='{:.1f}' font-size='12'>{}</text>"
                       "<text x='{:.1f}' y='{:.1f}' font-size='11'>{:.1f} µs</text>",
                       x, h - bottom - bh, slot - 20, bh, x, h - bottom + 15, bars[i].first, x,
                       h - bottom - bh - 4, bars[i].second);
  }
  return svg + "</svg>";
}

} // namespace

std::string csv_of(const settings& s, const results& r) {
  std::string out = "second,elapsed_s,sent_per_s,received_per_s,in_flight,p99_us,errors\n";
  for (std::size_t i = 0; i < r.series.size(); ++i) {
    const auto& p = r.series[i];
    out += fmt::format("{},{:.3f},{},{},{},{:.1f},{}\n", i + 1, p.elapsed, p.sent, p.received,
                       p.in_flight, double(p.p99_ns) / 1000.0, p.errors);
  }
  out += "\nmetric,value\n";
  out += fmt::format("sent,{}\nreceived,{}\nlost,{}\nduplicates,{}\nreordered,{}\nlate,{}\n"
                     "errors,{}\n",
                     r.sent, r.received, r.lost, r.duplicates, r.reordered, r.late, r.errors);
  for (const auto& [label, q] : points)
    out += fmt::format("latency_{}_us,{:.1f}\n", label,
                       double(r.from_intended.percentile(q)) / 1000.0);
  out += fmt::format("latency_max_us,{:.1f}\n", double(r.from_intended.max()) / 1000.0);
  (void)s;
  return out;
}

std::string html_report(const settings& s, const results& r) {
  return fmt::format(
      "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>mqtk-bench report</title>"
      "<style>body{{font-family:sans-serif;margin:2em}}pre{{background:#f6f8fa;padding:1em}}"
      "</style></head><body><h1>mqtk-bench report</h1><pre>{}</pre>"
      "<h2>Messages per second (blue: sent, green: received)</h2>{}"
      "<h2>Latency from the intended send time</h2>{}</body></html>\n",
      escape(summary_table(s, r)), throughput_svg(r), latency_svg(r.from_intended));
}

} // namespace mqtk::app::bench
