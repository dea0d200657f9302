// SPDX-License-Identifier: MIT
// Writing the CSV form of a run.
#include "bench/export.hpp"

#include <fmt/format.h>

#include "bench/compare.hpp"

namespace mqtk::app::bench {
namespace {

constexpr std::pair<const char*, double> points[] = {
    {"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p99.9", 0.999}, {"p99.99", 0.9999}};

} // namespace

std::string csv_of(const results& r) {
  // p99 of the latencies recorded in that second (from its own histogram, so a merged run's is
  // exact too); errors are the total so far, as on the live line.
  std::string out = "second,elapsed_s,sent_per_s,received_per_s,in_flight,p99_us_in_second,"
                    "errors,duplicates,lost_by_send_second\n";
  for (std::size_t i = 0; i < r.series.size(); ++i) {
    const auto& p = r.series[i];
    out += fmt::format("{},{:.3f},{},{},{},{:.1f},{},{},{}\n", i + 1, p.elapsed, p.sent, p.received,
                       p.in_flight, percentile_of(p.latency, 0.99) / 1000.0, p.errors, p.duplicates,
                       i < r.lost_series.size() ? r.lost_series[i] : 0);
  }
  out += "\nmetric,value\n";
  out += fmt::format("sent,{}\nreceived,{}\nlost,{}\nduplicates,{}\nreordered,{}\nlate,{}\n"
                     "errors,{}\n",
                     r.sent, r.received, r.lost, r.duplicates, r.reordered, r.late, r.errors);
  for (const auto& [label, q] : points)
    out += fmt::format("latency_{}_us,{:.1f}\n", label,
                       double(r.from_intended.percentile(q)) / 1000.0);
  out += fmt::format("latency_max_us,{:.1f}\n", double(r.from_intended.max()) / 1000.0);
  return out;
}

} // namespace mqtk::app::bench
