// SPDX-License-Identifier: MIT
// How a client tool turns the way its connection ended into an exit status and one line of
// diagnostics (DESIGN.md section 3).
#pragma once

#include <string>

#include "mqtk/client/connection.hpp"

namespace mqtk::app {

/// The exit status and message for a connection that closed before the tool was done.
/// `connected` says whether CONNACK had accepted the session; `version` is the one last tried.
int exit_status_for(const session::event::closed& e, client::failure f, bool connected,
                    const client::endpoint& where, codec::protocol_version version,
                    std::string& message);

} // namespace mqtk::app
