// SPDX-License-Identifier: MIT
// The time types of the sans-IO layers: callers pass `now`, nothing here reads a clock.
#pragma once

#include <chrono>

namespace mqtk::session {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;
using duration = clock::duration;

} // namespace mqtk::session
