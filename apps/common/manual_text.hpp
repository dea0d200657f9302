// SPDX-License-Identifier: MIT
// Man page sections the client tools share (roff source).
#pragma once

#include <string>

namespace mqtk::app {

/// EXIT STATUS: the table of DESIGN.md section 3.
std::string exit_status_section();
/// ENVIRONMENT for mqtk-pub and mqtk-sub.
std::string client_environment_section(const std::string& tool);
/// FILES: the options file.
std::string client_files_section(const std::string& tool);
/// TRANSPORTS of the client pages: URL schemes, TLS checks, WebSocket options.
std::string client_transports_section();

} // namespace mqtk::app
