// SPDX-License-Identifier: MIT
// mqtk-sub's settings, validated from its flags.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/connection_options.hpp"

namespace mqtk::app::sub {

struct settings {
  connection_settings conn;
  std::vector<std::string> topics;
  std::vector<std::string> filter_out; ///< -T: topics matching these are not printed
  std::uint8_t qos = 0;
  std::optional<unsigned> count;   ///< -C: exit 0 after this many messages
  std::optional<unsigned> timeout; ///< -W: exit 6 after this many seconds
  bool verbose = false;            ///< -v: "topic payload"
  bool no_newline = false;         ///< -N
  bool skip_retained = false;      ///< -R
  bool retained_only = false;
  bool json = false; ///< -j: one JSON object per line
};

std::optional<settings> parse(int argc, char** argv, int& exit_status);

} // namespace mqtk::app::sub
