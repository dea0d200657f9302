// SPDX-License-Identifier: MIT
// Running mqtk-sub with validated settings.
#pragma once

#include "sub/options.hpp"

namespace mqtk::app::sub {

/// Subscribes and prints until the count, the timeout, a signal or the connection ends.
int run(const settings& s);

} // namespace mqtk::app::sub
