// SPDX-License-Identifier: MIT
// The options file: default flags for a tool, one per line, read before the command line.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mqtk::app {

/// Finds and reads the options file. `-o FILE` / `--options-file FILE` in argv names it (it must
/// exist); otherwise $XDG_CONFIG_HOME/mqtk/TOOL.conf (else ~/.config/mqtk/TOOL.conf) is read if
/// present. Each line is one option: `--qos 1`, `-h broker.local`, `--retain`; the rest of the
/// line after the first space is the value, verbatim; blank lines and `#` comments are skipped.
/// Returns the arguments in order (empty when there is no file), or nullopt with `why`.
std::optional<std::vector<std::string>> read_options_file(const std::string& tool, int argc,
                                                          char** argv, std::string& path,
                                                          std::string& why);

} // namespace mqtk::app
