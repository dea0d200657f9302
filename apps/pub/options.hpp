// SPDX-License-Identifier: MIT
// mqtk-pub's settings, validated from its flags.
#pragma once

#include <optional>
#include <string>

#include "common/connection_options.hpp"

namespace mqtk::app::pub {

enum class source { message, file, null, stdin_all, stdin_lines };

struct settings {
  connection_settings conn;
  std::string topic;
  source from = source::message;
  std::string payload; ///< -m, or the contents of -f / -s
  std::uint8_t qos = 0;
  bool retain = false;
  unsigned repeat = 1;
  double repeat_delay = 0;
};

/// Parses argv. On --help/--version prints and sets `exit_status` 0; on a usage error prints a
/// message and sets 2.
std::optional<settings> parse(int argc, char** argv, int& exit_status);

} // namespace mqtk::app::pub
