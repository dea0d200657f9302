// SPDX-License-Identifier: MIT
// mqtk-bench's CSV file: the per-second series and the summary.
#pragma once

#include <string>

#include "bench/engine.hpp"

namespace mqtk::app::bench {

std::string csv_of(const results& r);

} // namespace mqtk::app::bench
