// SPDX-License-Identifier: MIT
// CLI11's parse errors in words a user can act on.
#pragma once

#include <string>
#include <vector>

#include "common/cli_fwd.hpp"

namespace mqtk::app {

/// What to tell the user about `e`, raised while `app` parsed: an unknown option named in the
/// order given with the nearest real ones ("did you mean --retain?") or, for a mosquitto client
/// option mqtk lacks, why; a value that is not a number told apart from one out of range; a
/// missing value named as such. Anything else as CLI11 says it.
std::string explain(const CLI::ParseError& e, const CLI::App& app);

/// A man page's roff synopsis (\fB, \fI, \fR, \-, forms split by .br) as plain text: one
/// line per form of the command, each starting with `tool`.
std::vector<std::string> plain_synopsis(const std::string& tool, const std::string& roff);

} // namespace mqtk::app
