// SPDX-License-Identifier: MIT
// Two saved runs side by side (two brokers, or before and after a change): the figures both
// report, and B's as a ratio of A's.
#pragma once

#include <string>
#include <vector>

#include "bench/saved_run.hpp"

namespace mqtk::app::bench {

struct compared {
  std::string name; ///< e.g. "received/s", "p99 latency"
  std::string unit; ///< msg/s, µs, messages
  double a = 0, b = 0;
  bool higher_is_better = false;
};

std::vector<compared> compare_runs(const saved_run& a, const saved_run& b);
/// "2.31x", or "-" when A's figure is 0.
std::string ratio_text(const compared& c);
std::string compare_table(const saved_run& a, const saved_run& b);
std::string compare_json(const saved_run& a, const saved_run& b);

/// The value at quantile `q` of one second's buckets (the middle of the bucket holding it).
double percentile_of(const std::vector<mqtk::bench::histogram::bucket>& buckets, double q);

} // namespace mqtk::app::bench
