// SPDX-License-Identifier: MIT
// Running mqtk-pub with validated settings.
#pragma once

#include "pub/options.hpp"

namespace mqtk::app::pub {

/// Connects, publishes, waits until every QoS 1/2 message is acknowledged, disconnects.
/// Returns the exit status (DESIGN.md section 3).
int run(const settings& s);

} // namespace mqtk::app::pub
