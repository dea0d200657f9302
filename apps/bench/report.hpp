// SPDX-License-Identifier: MIT
// mqtk-bench's output: the live line on stderr, the summary table, the JSON summary.
#pragma once

#include <string>

#include "bench/engine.hpp"

namespace mqtk::app::bench {

/// The live line: in place on a terminal, one line per second otherwise.
void print_progress(const progress& p, bool final);
std::string summary_table(const settings& s, const results& r);
std::string summary_json(const settings& s, const results& r);

} // namespace mqtk::app::bench
