// SPDX-License-Identifier: MIT
// Running a tool's CLI11 parser the way every mqtk tool does.
#pragma once

#include <optional>

#include <CLI/CLI.hpp>

namespace mqtk::app {

/// Parses argv with `app`. Returns nullopt when the tool should go on; otherwise the exit
/// status: 0 after --help or --version (printed), 2 after a usage error (printed to stderr with
/// a pointer to --help).
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv);

/// Prints "TOOL: MESSAGE" to stderr and returns exit status 2.
int usage_error(const CLI::App& app, const std::string& message);

} // namespace mqtk::app
