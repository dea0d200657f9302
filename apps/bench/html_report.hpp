// SPDX-License-Identifier: MIT
// mqtk-bench's HTML pages: one run (--report), and two runs compared (compare --report).
#pragma once

#include <string>

#include "bench/saved_run.hpp"

namespace mqtk::app::bench {

/// The facts of the run (target, load, instances, host, version), the summary, and SVG charts:
/// throughput over time (per instance when merged), latency percentiles per second, the
/// percentile spectrum, and losses, duplicates and errors per second.
std::string html_report(const run_info& i, const results& r);
/// Both runs' facts, a ratio table, and both on the same axes.
std::string html_compare(const saved_run& a, const saved_run& b);

} // namespace mqtk::app::bench
