// SPDX-License-Identifier: MIT
// mqtk-bench merge: instance runs (--instance I/N, --save) into one run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bench/saved_run.hpp"

namespace mqtk::app::bench {

/// One run from its instances; nullopt with `why` when they cannot be one run (different QoS
/// or payload size, an instance given twice, colliding publisher numbers, conn mixed with
/// message runs).
std::optional<saved_run> merge_runs(const std::vector<saved_run>& runs, std::string& why);

} // namespace mqtk::app::bench
