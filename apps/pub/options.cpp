// SPDX-License-Identifier: MIT
// mqtk-pub's command line.
#include "pub/options.hpp"

#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <iterator>

#include "common/cli.hpp"
#include "common/exit_codes.hpp"
#include "mqtk/topic/validate.hpp"

namespace mqtk::app::pub {
namespace {

struct raw {
  connection_flags conn;
  std::string topic, message, file;
  bool null = false, stdin_all = false, stdin_lines = false, retain = false;
  unsigned qos = 0, repeat = 1, max_inflight = 0;
  double repeat_delay = 0;
};

void define(CLI::App& app, raw& o) {
  add_connection_flags(app, o.conn);
  const char* g = "Message";
  app.add_option("-t,--topic", o.topic, "Topic to publish to")->group(g);
  app.add_option("-m,--message", o.message, "Send this payload")->group(g);
  app.add_option("-f,--file", o.file, "Send the contents of FILE as one message")->group(g);
  app.add_flag("-n,--null-message", o.null, "Send an empty payload")->group(g);
  app.add_flag("-s,--stdin-file", o.stdin_all, "Send all of standard input as one message")
      ->group(g);
  app.add_flag("-l,--stdin-line", o.stdin_lines, "Send each line of standard input as a message")
      ->group(g);
  app.add_option("-q,--qos", o.qos, "QoS 0, 1 or 2 (default 0)")->check(CLI::Range(0, 2))->group(g);
  app.add_flag("-r,--retain", o.retain, "Ask the broker to retain the message")->group(g);
  app.add_option("--repeat", o.repeat, "Send the message N times (default 1)")
      ->check(CLI::Range(1u, 4000000000u))
      ->group(g);
  app.add_option("--repeat-delay", o.repeat_delay, "Seconds between repeats")->group(g);
  app.add_option("-M,--max-inflight", o.max_inflight,
                 "QoS 1/2 messages in flight at once (default: the broker's Receive Maximum)")
      ->check(CLI::Range(1, 65535))
      ->group(g);
}

std::optional<settings> validate(const raw& o, std::string& why) {
  settings s;
  auto conn = to_settings(o.conn, "mqtk-pub", why);
  if (!conn) return std::nullopt;
  s.conn = std::move(*conn);
  s.conn.config.max_inflight = static_cast<std::uint16_t>(o.max_inflight);
  s.topic = !o.topic.empty() ? o.topic : s.conn.url_topic.value_or("");
  if (s.topic.empty()) return why = "no topic: give -t TOPIC (or a URL with a path)", std::nullopt;
  if (auto ec = topic::validate_name(s.topic))
    return why = "-t " + s.topic + ": " + ec.message(), std::nullopt;
  const int sources = int(!o.message.empty()) + int(!o.file.empty()) + int(o.null) +
                      int(o.stdin_all) + int(o.stdin_lines);
  if (sources != 1) return why = "give exactly one of -m, -f, -n, -s, -l", std::nullopt;
  if (!o.message.empty()) {
    s.from = source::message;
    s.payload = o.message;
  } else if (!o.file.empty()) {
    std::ifstream in(o.file, std::ios::binary);
    if (!in) return why = "-f: cannot read " + o.file, std::nullopt;
    s.from = source::file;
    s.payload.assign(std::istreambuf_iterator<char>(in), {});
  } else if (o.null) {
    s.from = source::null;
  } else if (o.stdin_all) {
    s.from = source::stdin_all;
  } else {
    s.from = source::stdin_lines;
  }
  s.qos = static_cast<std::uint8_t>(o.qos);
  s.retain = o.retain;
  s.repeat = o.repeat;
  s.repeat_delay = o.repeat_delay;
  return s;
}

} // namespace

std::optional<settings> parse(int argc, char** argv, int& exit_status) {
  return parse_tool<raw, settings>(
      "mqtk-pub", "mqtk-pub: publish MQTT messages from the command line",
      std::string("mqtk-pub ") + MQTK_VERSION + " (MQTT 3.1.1, 5.0; transports: tcp)", argc, argv,
      exit_status, define, validate);
}

} // namespace mqtk::app::pub
