// SPDX-License-Identifier: MIT
// mqtk-sub's command line.
#include "sub/options.hpp"

#include "common/cli.hpp"
#include "mqtk/topic/validate.hpp"

namespace mqtk::app::sub {
namespace {

struct raw {
  connection_flags conn;
  std::vector<std::string> topics, filter_out;
  unsigned qos = 0;
  std::optional<unsigned> count, timeout;
  bool verbose = false, no_newline = false, skip_retained = false, retained_only = false,
       json = false;
};

void define(CLI::App& app, raw& o) {
  add_connection_flags(app, o.conn);
  const char* g = "Subscription and output";
  app.add_option("-t,--topic", o.topics, "Topic filter to subscribe to (repeatable)")->group(g);
  app.add_option("-T,--filter-out", o.filter_out,
                 "Do not print messages whose topic matches (repeatable)")
      ->group(g);
  app.add_option("-q,--qos", o.qos, "Maximum QoS to subscribe with (default 0)")
      ->check(CLI::Range(0, 2))
      ->group(g);
  app.add_option("-C,--count", o.count, "Exit 0 after N messages")
      ->check(CLI::Range(1u, 4000000000u))
      ->group(g);
  app.add_option("-W,--timeout", o.timeout, "Exit 6 if the count is not reached within SECONDS")
      ->check(CLI::Range(1u, 3600000u))
      ->group(g);
  app.add_flag("-v,--verbose", o.verbose, "Print 'topic payload'")->group(g);
  app.add_flag("-N,--no-newline", o.no_newline, "Print no newline after each payload")->group(g);
  app.add_flag("-R,--no-retained", o.skip_retained, "Do not print retained messages")->group(g);
  app.add_flag("--retained-only", o.retained_only,
               "Print only retained messages; exit when a new one arrives")
      ->group(g);
  app.add_flag("-j,--json", o.json,
               "One JSON object per line: timestamp, topic, qos, retain, payload, properties")
      ->group(g);
}

std::optional<settings> validate(const raw& o, std::string& why) {
  settings s;
  auto conn = to_settings(o.conn, "mqtk-sub", why);
  if (!conn) return std::nullopt;
  s.conn = std::move(*conn);
  s.topics = o.topics;
  if (s.topics.empty() && s.conn.url_topic) s.topics.push_back(*s.conn.url_topic);
  if (s.topics.empty()) return why = "no topic: give -t FILTER (repeatable)", std::nullopt;
  for (const auto& t : s.topics)
    if (auto ec = topic::validate_filter(t))
      return why = "-t " + t + ": " + ec.message(), std::nullopt;
  for (const auto& t : o.filter_out)
    if (auto ec = topic::validate_filter(t))
      return why = "-T " + t + ": " + ec.message(), std::nullopt;
  if (o.skip_retained && o.retained_only)
    return why = "-R and --retained-only exclude each other", std::nullopt;
  s.filter_out = o.filter_out;
  s.qos = static_cast<std::uint8_t>(o.qos);
  s.count = o.count;
  s.timeout = o.timeout;
  s.verbose = o.verbose;
  s.no_newline = o.no_newline;
  s.skip_retained = o.skip_retained;
  s.retained_only = o.retained_only;
  s.json = o.json;
  return s;
}

} // namespace

std::optional<settings> parse(int argc, char** argv, int& exit_status) {
  return parse_tool<raw, settings>(
      "mqtk-sub", "mqtk-sub: subscribe to MQTT topics and print what arrives",
      std::string("mqtk-sub ") + MQTK_VERSION + " (MQTT 3.1.1, 5.0; transports: tcp)", argc, argv,
      exit_status, define, validate);
}

} // namespace mqtk::app::sub
