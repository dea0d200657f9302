// SPDX-License-Identifier: MIT
// Running mqtk-broker with validated settings.
#pragma once

#include "broker/options.hpp"

namespace mqtk::app::broker {

/// Listens, serves until SIGINT/SIGTERM, shuts down cleanly. Returns the exit status.
int run(const settings& s);

} // namespace mqtk::app::broker
