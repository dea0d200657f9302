// SPDX-License-Identifier: MIT
// Printing received messages, shared by mqtk-sub and mqtk-pub --wait-response: the payload
// (-v with its topic, -N without a newline), mqtk's JSON line (-j), or a -F format.
#pragma once

#include <string>

#include "common/cli_fwd.hpp"

#include "mqtk/codec/packets.hpp"

namespace mqtk::app {

struct output_flags {
  bool verbose = false;    ///< -v: "topic payload"
  bool no_newline = false; ///< -N
  bool json = false;       ///< -j: one JSON object per line
  bool pretty = false;     ///< --pretty: indented JSON payloads
  std::string format;      ///< -F
};

/// Adds -v, -N, -j, --pretty and -F to `app` in `group`.
void add_output_flags(CLI::App& app, output_flags& f, const char* group);
/// -j, -F and -v exclude each other; a -F format must be valid.
bool check_output_flags(const output_flags& f, std::string& why);
/// Whether any of them was given.
bool any_output_flag(const output_flags& f);

struct output_style : output_flags {
  bool colour = false; ///< -v's topic in colour
};

/// Writes `m` to standard output in `style`; false when the write failed. `note` is set to what
/// the user should be told (a payload %J cannot show), else left alone.
bool write_message(const output_style& style, const codec::publish& m, std::string& note);

} // namespace mqtk::app
