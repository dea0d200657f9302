// SPDX-License-Identifier: MIT
// The broker as a Unix process: -d (a daemon in the background) and `user` (dropping root once
// the listeners are bound), as mosquitto does them.
#pragma once

#include <string>

namespace mqtk::app::broker {

/// Forks into the background (a new session, its own process group). The parent waits until the
/// child calls daemon_ready() and then exits 0, or until the child exits first and then exits
/// with the child's status, so `mqtk-broker -d` in a script fails when the broker cannot start.
/// Call before any thread exists. Returns in the child only (false when fork failed, with `why`).
bool daemonize(std::string& why);
/// In a daemon: tells the waiting parent the broker is listening, and lets go of the terminal
/// (stdin, stdout and stderr become /dev/null). No-op when not a daemon.
void daemon_ready();
/// Changes to `user` and its groups when running as root. Not root: nothing changes, and `note`
/// says so (mosquitto also ignores it then). False with `why` for an unknown user or a failure.
bool drop_privileges(const std::string& user, std::string& note, std::string& why);

} // namespace mqtk::app::broker
