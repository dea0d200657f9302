// SPDX-License-Identifier: MIT
// Colour for people on a terminal, none for programs: -v topics, -d traces, diagnostics.
#pragma once

#include <string>
#include <string_view>

namespace mqtk::app {

/// Whether output on `fd` is coloured for --color WHEN: "always", "never", or "auto" (the
/// default): only on a terminal, and not when NO_COLOR is set to anything (no-color.org) or
/// TERM is "dumb". Returns false for an unknown WHEN (validated first: valid_colour_mode).
bool colour_for(const std::string& when, int fd);
bool valid_colour_mode(const std::string& when);

/// "TOOL: MESSAGE" for standard error: the tool's name in bold red and reason codes ("0x87")
/// in yellow when `on`.
std::string diagnostic(bool on, std::string_view tool, std::string_view message);
/// A -d trace line ("-> PUBLISH(...)"): the direction and the packet's name coloured when `on`.
std::string trace_line(bool on, std::string_view line);
/// A topic as -v prints it before the payload: cyan when `on`.
std::string topic_text(bool on, std::string_view topic);

} // namespace mqtk::app
