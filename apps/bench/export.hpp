// SPDX-License-Identifier: MIT
// mqtk-bench's files: CSV (per-second series and summary) and a self-contained HTML report.
#pragma once

#include <string>

#include "bench/engine.hpp"

namespace mqtk::app::bench {

std::string csv_of(const settings& s, const results& r);
/// One HTML page, no external resources: a summary, an SVG chart of sent and received
/// messages per second, and an SVG chart of the latency percentiles.
std::string html_report(const settings& s, const results& r);

} // namespace mqtk::app::bench
