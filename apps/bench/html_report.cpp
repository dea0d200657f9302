// SPDX-License-Identifier: MIT
// The HTML reports: one page, no scripts and no external resources, so it opens from a CI
// artifact or an e-mail the same way. Charts are SVG (bench/chart.cpp).
#include "bench/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fmt/format.h>

#include "bench/chart.hpp"
#include "bench/compare.hpp"
#include "bench/report.hpp"

namespace mqtk::app::bench {
namespace {

constexpr const char* blue = "#1f6feb";
constexpr const char* green = "#2da44e";
constexpr const char* purple = "#8250df";
constexpr const char* orange = "#d4731f";
constexpr const char* red = "#cf222e";

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '\'')
      out += "&#39;";
    else
      out.push_back(c);
  }
  return out;
}

std::string utc_of(std::uint64_t wall_ns) {
  const auto t = static_cast<std::time_t>(wall_ns / 1'000'000'000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The facts a reader needs to trust or reproduce the numbers.
std::vector<std::pair<std::string, std::string>> facts(const run_info& i, const results& r) {
  std::vector<std::pair<std::string, std::string>> f{
      {"target", fmt::format("{} (MQTT {})", i.target, i.protocol)}, {"mode", i.mode}};
  if (i.connections()) {
    f.emplace_back("clients", fmt::format("{}{}", i.clients, i.churn ? ", churning" : ""));
    f.emplace_back("connect rate", i.connect_rate > 0 ? fmt::format("{:g}/s", i.connect_rate)
                                                      : "as fast as possible");
  } else {
    f.emplace_back("QoS", std::to_string(i.qos));
    f.emplace_back("payload", fmt::format("{} B", i.size));
    f.emplace_back("rate", i.rate > 0 ? fmt::format("{:g} msg/s per publisher", i.rate)
                                      : "as fast as the in-flight window allows");
    f.emplace_back("clients",
                   fmt::format("{} publishers, {} subscribers", i.publishers, i.subscribers));
  }
  f.emplace_back("length", i.count > 0 ? fmt::format("{} messages per publisher", i.count)
                                       : fmt::format("{:g} s", i.duration));
  f.emplace_back("started", r.start_wall_ns ? utc_of(r.start_wall_ns) : "-");
  for (const auto& part : i.parts)
    f.emplace_back("instance", part);
  if (i.parts.empty() && i.instances > 1)
    f.emplace_back("instance", fmt::format("{}/{}", i.instance, i.instances));
  f.emplace_back("host", fmt::format("{}; {} cores; {}", i.host, i.cores, i.kernel));
  f.emplace_back("measured by", i.version);
  return f;
}

// Both runs' facts under one key each (a merged run has several "instance" facts).
std::vector<std::pair<std::string, std::pair<std::string, std::string>>>
side_by_side(const std::vector<std::pair<std::string, std::string>>& a,
             const std::vector<std::pair<std::string, std::string>>& b) {
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> rows;
  auto add = [&rows](const std::string& key, const std::string& value, bool first) {
    auto at = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.first == key; });
    if (at == rows.end()) at = rows.insert(rows.end(), {key, {}});
    auto& cell = first ? at->second.first : at->second.second;
    cell += (cell.empty() ? "" : "; ") + value;
  };
  for (const auto& [k, v] : a)
    add(k, v, true);
  for (const auto& [k, v] : b)
    add(k, v, false);
  return rows;
}

std::string facts_table(const run_info& i, const results& r) {
  std::string out = "<table class='facts'>";
  for (const auto& [k, v] : facts(i, r))
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(v));
  return out + "</table>";
}

chart::spec chart_of(std::string id, std::string title, std::string x, std::string y) {
  chart::spec s;
  s.id = std::move(id);
  s.title = std::move(title);
  s.x_label = std::move(x);
  s.y_label = std::move(y);
  return s;
}

double second_of(std::size_t k, const results& r) {
  (void)r;
  return static_cast<double>(k + 1);
}

chart::line per_second(std::string name, const char* colour, const results& r,
                       std::uint64_t progress::*field) {
  chart::line l{std::move(name), colour, {}, false};
  for (std::size_t k = 0; k < r.series.size(); ++k)
    l.points.emplace_back(second_of(k, r), static_cast<double>(r.series[k].*field));
  return l;
}

std::string throughput_chart(const run_info& i, const results& r) {
  auto s = chart_of("throughput", "Throughput per second", "time since start (s)",
                    i.connections() ? "connections/s" : "messages/s");
  s.lines.push_back(per_second(i.connections() ? "attempted" : "sent", blue, r, &progress::sent));
  s.lines.push_back(
      per_second(i.connections() ? "connected" : "received", green, r, &progress::received));
  for (const auto& inst : r.instances) {
    chart::line sent{inst.name + " sent", "", {}, true}, got{inst.name + " received", "", {}, true};
    for (std::size_t k = 0; k < inst.sent_received.size(); ++k) {
      const auto x = static_cast<double>(inst.second_offset) + static_cast<double>(k + 1);
      sent.points.emplace_back(x, static_cast<double>(inst.sent_received[k].first));
      got.points.emplace_back(x, static_cast<double>(inst.sent_received[k].second));
    }
    // A publishing instance receives nothing and a subscribing one sends nothing: no flat line.
    auto any = [](const chart::line& l) {
      return std::any_of(l.points.begin(), l.points.end(), [](auto p) { return p.second != 0; });
    };
    if (any(sent)) s.lines.push_back(std::move(sent));
    if (any(got)) s.lines.push_back(std::move(got));
  }
  return chart::svg(s);
}

chart::line latency_line(std::string name, const char* colour, const results& r, double q,
                         bool dashed = false) {
  chart::line l{std::move(name), colour, {}, dashed};
  for (std::size_t k = 0; k < r.series.size(); ++k)
    if (!r.series[k].latency.empty())
      l.points.emplace_back(second_of(k, r), percentile_of(r.series[k].latency, q) / 1000.0);
  return l;
}

std::string latency_over_time_chart(const results& r) {
  auto s = chart_of("latency-over-time", "Latency per second (from the intended send)",
                    "time since start (s)", "latency (µs)");
  s.lines.push_back(latency_line("p50", blue, r, 0.5));
  s.lines.push_back(latency_line("p99", orange, r, 0.99));
  s.lines.push_back(latency_line("p99.9", red, r, 0.999));
  return chart::svg(s);
}

// HdrHistogram's plot: percentile on a log axis (0%, 90%, 99%, ...) against latency; points
// only as deep into the tail as the sample reaches.
chart::line spectrum_line(std::string name, const char* colour, const mqtk::bench::histogram& h,
                          bool dashed = false) {
  chart::line l{std::move(name), colour, {}, dashed};
  if (h.count() == 0) return l;
  const double deepest = std::min(5.0, std::log10(static_cast<double>(h.count())));
  for (double x = 0; x <= deepest + 1e-9; x += 0.05) {
    const double q = 1 - std::pow(10.0, -x);
    l.points.emplace_back(q, static_cast<double>(h.percentile(q)) / 1000.0);
  }
  return l;
}

std::string spectrum_chart(const results& r) {
  auto s = chart_of("percentile-spectrum", "Latency by percentile", "percentile", "latency (µs)");
  s.x_scale = chart::scale::percentile;
  s.lines.push_back(spectrum_line("from intended send", purple, r.from_intended));
  s.lines.push_back(spectrum_line("from actual send", green, r.from_sent, true));
  return chart::svg(s);
}

std::string losses_chart(const results& r) {
  // Past 4,096 missing ranges per publisher and subscriber a loss is counted, not placed.
  const auto title = r.lost_unplaced == 0
                         ? std::string("Lost, duplicated and failed per second")
                         : fmt::format("Lost, duplicated and failed per second ({} more lost, "
                                       "not placed in time)",
                                       r.lost_unplaced);
  auto s = chart_of("losses", title, "time since start (s)", "messages");
  chart::line lost{"lost (by the second it was sent)", red, {}, false};
  for (std::size_t k = 0; k < r.lost_series.size(); ++k)
    lost.points.emplace_back(second_of(k, r), static_cast<double>(r.lost_series[k]));
  s.lines.push_back(std::move(lost));
  s.lines.push_back(per_second("duplicates", orange, r, &progress::duplicates));
  s.lines.push_back(per_second("errors", purple, r, &progress::new_errors));
  return chart::svg(s);
}

std::string page(const std::string& title, const std::string& body) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{}</title><style>"
      "body{{font-family:sans-serif;margin:2em;max-width:60em}}"
      "pre{{background:#f6f8fa;padding:1em;overflow-x:auto}}"
      "table{{border-collapse:collapse;margin:1em 0}}"
      "th,td{{border:1px solid #d0d7de;padding:.3em .6em;text-align:left}}"
      "td.n{{text-align:right;font-variant-numeric:tabular-nums}}"
      "svg{{display:block;margin:1em 0}}</style></head><body><h1>{}</h1>{}</body></html>\n",
      escape(title), escape(title), body);
}

} // namespace

std::string html_report(const run_info& i, const results& r) {
  std::string body = facts_table(i, r);
  body += fmt::format("<h2>Summary</h2><pre id='summary'>{}</pre>", escape(summary_table(i, r)));
  body += throughput_chart(i, r);
  if (!i.connections()) body += latency_over_time_chart(r);
  body += spectrum_chart(r);
  if (!i.connections()) body += losses_chart(r);
  return page("mqtk-bench report", body);
}

std::string html_compare(const saved_run& a, const saved_run& b) {
  std::string body = "<table class='facts'><tr><th></th><th>A</th><th>B</th></tr>";
  body +=
      fmt::format("<tr><th>file</th><td>{}</td><td>{}</td></tr>", escape(a.path), escape(b.path));
  for (const auto& [key, values] : side_by_side(facts(a.info, a.r), facts(b.info, b.r)))
    body += fmt::format("<tr><th>{}</th><td>{}</td><td>{}</td></tr>", escape(key),
                        escape(values.first), escape(values.second));
  body += "</table><h2>B against A</h2><table id='ratios'><tr><th></th><th>A</th><th>B</th>"
          "<th>B ÷ A</th><th>unit</th></tr>";
  for (const auto& c : compare_runs(a, b))
    body += fmt::format("<tr><th>{}</th><td class='n'>{:.1f}</td><td class='n'>{:.1f}</td>"
                        "<td class='n'>{}</td><td>{}</td></tr>",
                        escape(c.name), c.a, c.b, ratio_text(c), escape(c.unit));
  body += "</table>";
  const bool conn = a.info.connections();
  auto t = chart_of("throughput", conn ? "Connected per second" : "Received per second",
                    "time since start (s)", conn ? "connections/s" : "messages/s");
  t.lines = {per_second("A", blue, a.r, &progress::received),
             per_second("B", orange, b.r, &progress::received)};
  body += chart::svg(t);
  auto l = chart_of("latency-over-time", "p50 and p99 latency per second", "time since start (s)",
                    "latency (µs)");
  l.lines = {latency_line("A p50", blue, a.r, 0.5, true), latency_line("A p99", blue, a.r, 0.99),
             latency_line("B p50", orange, b.r, 0.5, true),
             latency_line("B p99", orange, b.r, 0.99)};
  body += chart::svg(l);
  auto p = chart_of("percentile-spectrum", "Latency by percentile (from the intended send)",
                    "percentile", "latency (µs)");
  p.x_scale = chart::scale::percentile;
  p.lines = {spectrum_line("A", blue, a.r.from_intended),
             spectrum_line("B", orange, b.r.from_intended)};
  body += chart::svg(p);
  return page("mqtk-bench comparison", body);
}

} // namespace mqtk::app::bench
