// SPDX-License-Identifier: MIT
// Comparing two saved runs.
#include "bench/compare.hpp"

#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mqtk::app::bench {
namespace {

using mqtk::bench::histogram;

constexpr std::pair<const char*, double> quantiles[] = {
    {"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p99.9", 0.999}, {"p99.99", 0.9999}};

double per_second(std::uint64_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0;
}

double us(std::uint64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}

std::string label_of(const char* letter, const saved_run& run) {
  return fmt::format("{}: {} ({}, {}{})", letter, run.path, run.info.target, run.info.mode,
                     run.info.instances > 1 ? fmt::format(", {} instances", run.info.instances)
                                            : std::string());
}

} // namespace

double percentile_of(const std::vector<histogram::bucket>& buckets, double q) {
  std::uint64_t total = 0;
  for (const auto& b : buckets)
    total += b.count;
  if (total == 0) return 0;
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total))));
  std::uint64_t seen = 0;
  for (const auto& b : buckets) {
    seen += b.count;
    if (seen >= rank)
      return static_cast<double>(histogram::lowest_of(b.index) +
                                 (histogram::width_of(b.index) - 1) / 2);
  }
  return 0;
}

std::vector<compared> compare_runs(const saved_run& a, const saved_run& b) {
  std::vector<compared> out;
  const auto& x = a.r;
  const auto& y = b.r;
  const bool conn = a.info.connections();
  if (conn) {
    out.push_back({"connected/s", "conn/s", per_second(x.received, x.receive_seconds),
                   per_second(y.received, y.receive_seconds), true});
    out.push_back({"failed", "connections", double(x.errors), double(y.errors), false});
  } else {
    out.push_back({"sent/s", "msg/s", per_second(x.sent, x.send_seconds),
                   per_second(y.sent, y.send_seconds), true});
    out.push_back({"received/s", "msg/s", per_second(x.received, x.receive_seconds),
                   per_second(y.received, y.receive_seconds), true});
    out.push_back({"lost", "messages", double(x.lost), double(y.lost), false});
    out.push_back({"duplicates", "messages", double(x.duplicates), double(y.duplicates), false});
    out.push_back({"errors", "", double(x.errors), double(y.errors), false});
  }
  const char* what = conn ? "CONNACK latency" : "latency";
  for (const auto& [label, q] : quantiles)
    out.push_back({fmt::format("{} {}", label, what), "µs", us(x.from_intended.percentile(q)),
                   us(y.from_intended.percentile(q)), false});
  out.push_back({fmt::format("max {}", what), "µs", us(x.from_intended.max()),
                 us(y.from_intended.max()), false});
  return out;
}

std::string ratio_text(const compared& c) {
  if (c.a == 0) return "-";
  return fmt::format("{:.2f}x", c.b / c.a);
}

std::string compare_table(const saved_run& a, const saved_run& b) {
  std::string out = fmt::format("{}\n{}\n", label_of("A", a), label_of("B", b));
  if (a.info.qos != b.info.qos || a.info.size != b.info.size || a.info.mode != b.info.mode)
    out += fmt::format("note: the loads differ (A: {}, QoS {}, {} B; B: {}, QoS {}, {} B)\n",
                       a.info.mode, a.info.qos, a.info.size, b.info.mode, b.info.qos, b.info.size);
  out += fmt::format("{:<22} {:>14} {:>14} {:>8}  {}\n", "", "A", "B", "B ÷ A", "unit");
  for (const auto& c : compare_runs(a, b))
    out += fmt::format("{:<22} {:>14.1f} {:>14.1f} {:>8}  {}\n", c.name, c.a, c.b, ratio_text(c),
                       c.unit);
  out += "latency from the intended send (connect) time; rates over each run's own window\n";
  return out;
}

std::string compare_json(const saved_run& a, const saved_run& b) {
  nlohmann::ordered_json j;
  j["a"] = {{"file", a.path}, {"target", a.info.target}, {"mode", a.info.mode}};
  j["b"] = {{"file", b.path}, {"target", b.info.target}, {"mode", b.info.mode}};
  auto rows = nlohmann::ordered_json::array();
  for (const auto& c : compare_runs(a, b))
    rows.push_back({{"metric", c.name},
                    {"unit", c.unit},
                    {"a", c.a},
                    {"b", c.b},
                    {"ratio", c.a != 0 ? nlohmann::ordered_json(c.b / c.a) : nullptr}});
  j["metrics"] = rows;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

} // namespace mqtk::app::bench
