// SPDX-License-Identifier: MIT
// What --version prints.
#pragma once

#include <string>

namespace mqtk::app {

/// "TOOL VERSION (commit REV; MQTT 3.1.1 and 5.0; transports: tcp, unix)".
std::string version_line(const std::string& tool);
/// "TOOL VERSION (commit REV)": what a report names as its producer.
std::string version_short(const std::string& tool);

} // namespace mqtk::app
