// SPDX-License-Identifier: MIT
// The version line, with the commit written at build time (cmake/revision.cmake).
#include "common/version.hpp"

#include "mqtk_revision.h"

namespace mqtk::app {

std::string version_line(const std::string& tool) {
  return tool + " " + MQTK_VERSION + " (commit " + MQTK_REVISION +
         "; MQTT 3.1.1 and 5.0; transports: tcp, tls, ws, wss, unix)";
}

std::string version_short(const std::string& tool) {
  return tool + " " + MQTK_VERSION + " (commit " + MQTK_REVISION + ")";
}

} // namespace mqtk::app
