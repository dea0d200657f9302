// SPDX-License-Identifier: MIT
#pragma once

#include "passwd/options.hpp"

namespace mqtk::app::passwd {

/// Does what `s` asks; returns the exit status (0 done, 1 failed, 2 usage).
int run(const settings& s);

} // namespace mqtk::app::passwd
