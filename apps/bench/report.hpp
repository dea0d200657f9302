// SPDX-License-Identifier: MIT
// mqtk-bench's output: the live line on stderr, the summary table, the JSON summary.
#pragma once

#include <string>

#include "bench/engine.hpp"
#include "bench/run_info.hpp"

namespace mqtk::app::bench {

/// The live line: in place on a terminal, one line per second otherwise.
void print_progress(const progress& p, bool final);
std::string summary_table(const run_info& s, const results& r);
/// One JSON object; its fields are listed in the man page (OUTPUT FORMAT).
std::string summary_json(const run_info& s, const results& r);
/// The summary's format version: a field's meaning changes only with a new version.
inline constexpr int summary_version = 2;

} // namespace mqtk::app::bench
