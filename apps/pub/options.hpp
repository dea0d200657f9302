// SPDX-License-Identifier: MIT
// mqtk-pub's settings, validated from its flags.
#pragma once

#include <optional>

#include "common/docgen.hpp"
#include <string>

#include "common/connection_options.hpp"
#include "common/message_output.hpp"

namespace mqtk::app::pub {

enum class source { message, file, null, stdin_all, stdin_lines, topic_lines, jsonl };

/// True for the sources that stream from standard input line by line.
constexpr bool line_source(source s) {
  return s == source::stdin_lines || s == source::topic_lines || s == source::jsonl;
}

struct settings {
  connection_settings conn;
  std::string topic; ///< empty with --topic-per-line and --jsonl
  source from = source::message;
  std::string separator = " "; ///< --topic-per-line: TOPIC SEPARATOR PAYLOAD
  std::string payload;         ///< -m, or the contents of -f / -s
  std::uint8_t qos = 0;
  bool retain = false;
  unsigned repeat = 1;
  double repeat_delay = 0;
  codec::properties props; ///< v5 publish properties (long options and -D publish)
  /// --wait-response: seconds to wait for the reply (v5 request/response).
  std::optional<double> wait_response;
  output_style response_output; ///< -v, -N, -j, --pretty, -F for the responses
  unsigned responses = 1;       ///< -C: responses to wait for
  bool latency = false;         ///< --latency: each response's round trip on stderr
};

/// Parses argv. On --help/--version prints and sets `exit_status` 0; on a usage error prints a
/// message and sets 2.
/// The man page text besides the options (manual.cpp).
page_info manual();

std::optional<settings> parse(int argc, char** argv, int& exit_status);

} // namespace mqtk::app::pub
