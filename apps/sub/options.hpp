// SPDX-License-Identifier: MIT
// mqtk-sub's settings, validated from its flags.
#pragma once

#include <optional>

#include "common/docgen.hpp"
#include <string>
#include <vector>

#include "common/connection_options.hpp"
#include "common/message_output.hpp"

namespace mqtk::app::sub {

struct settings {
  connection_settings conn;
  std::vector<std::string> topics;
  std::vector<std::string> filter_out;  ///< -T: topics matching these are not printed
  std::vector<std::string> unsubscribe; ///< -U: unsubscribe from these first
  codec::subscribe_options options;     ///< -q and the v5 subscription options
  std::vector<std::uint8_t> topic_qos;  ///< one per topic: -t a -q 1 -t b -q 2; empty: options
  codec::properties subscribe_props;    ///< --subscription-id, -D subscribe
  std::optional<unsigned> count;        ///< -C: exit 0 after this many messages
  std::optional<unsigned> timeout;      ///< -W: exit 6 after this many seconds
  bool skip_retained = false;           ///< -R
  bool retained_only = false;
  bool remove_retained = false;
  bool exit_after_subscribe = false; ///< -E
  output_style output;               ///< -v, -N, -j, --pretty, -F
  bool watch = false;                ///< --watch: a live table of topics
};

/// The man page text besides the options (manual.cpp).
page_info manual();

std::optional<settings> parse(int argc, char** argv, int& exit_status);

} // namespace mqtk::app::sub
