// SPDX-License-Identifier: MIT
// mqtk-pub's command line.
#include "pub/options.hpp"

#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <iterator>

#include "common/cli.hpp"
#include "common/exit_codes.hpp"
#include "common/option_families.hpp"
#include "common/read_file.hpp"
#include "mqtk/topic/validate.hpp"

namespace mqtk::app::pub {
namespace {

struct raw {
  connection_flags conn;
  std::string topic, message, file, separator = " ";
  bool null = false, stdin_all = false, stdin_lines = false, topic_lines = false, jsonl = false,
       retain = false, message_given = false;
  unsigned qos = 0, repeat = 1, max_inflight = 0;
  double repeat_delay = 0;
  std::vector<std::string> user_properties;
  std::string content_type, response_topic, correlation_data, message_expiry, payload_format,
      topic_alias;
  std::optional<std::string> wait_response;
  output_flags response_output; ///< how --wait-response prints what comes back
  std::optional<unsigned> responses;
  bool latency = false;
};

void define_payload(CLI::App& app, raw& o) {
  new_option_family(app);
  const char* g = "Message";
  app.add_option("-t,--topic", o.topic, "Topic to publish to")->type_name("TOPIC")->group(g);
  // -m '' is a payload too (the usual way to clear a retained message), so the flag counts,
  // not the text.
  app.add_option("-m,--message", o.message, "Send this payload (may be empty: -r -m '' clears)")
      ->type_name("MESSAGE")
      ->each([&o](const std::string&) { o.message_given = true; })
      ->group(g);
  lazy_option_family(
      app, {"-f", "file", "-n", "null-message", "-s", "stdin-file", "-l", "stdin-line"},
      [&app, &o, g] {
        app.add_option("-f,--file", o.file, "Send the contents of FILE as one message")
            ->type_name("FILE")
            ->group(g);
        app.add_flag("-n,--null-message", o.null, "Send an empty payload")->group(g);
        app.add_flag("-s,--stdin-file", o.stdin_all, "Send all of standard input as one message")
            ->group(g);
        app.add_flag("-l,--stdin-line", o.stdin_lines,
                     "Send each line of standard input as a message")
            ->group(g);
      });
  lazy_option_family(app, {"topic-per-line", "separator", "jsonl"}, [&app, &o, g] {
    app.add_flag("--topic-per-line", o.topic_lines,
                 "Each line of standard input is TOPIC PAYLOAD (see --separator)")
        ->group(g);
    app.add_option("--separator", o.separator,
                   "What separates topic and payload for --topic-per-line (default: a space)")
        ->type_name("TEXT")
        ->group(g);
    app.add_flag("--jsonl", o.jsonl,
                 "Each line of standard input is a JSON object as mqtk-sub -j writes it")
        ->group(g);
  });
  lazy_option_family(app, {"-q", "qos", "-r", "retain"}, [&app, &o, g] {
    app.add_option("-q,--qos", o.qos, "QoS 0, 1 or 2 (default 0)")
        ->type_name("0|1|2")
        ->check(CLI::Range(0, 2))
        ->group(g);
    app.add_flag("-r,--retain", o.retain, "Ask the broker to retain the message")->group(g);
  });
  lazy_option_family(app, {"repeat", "repeat-delay"}, [&app, &o, g] {
    app.add_option("--repeat", o.repeat, "Send the message N times (default 1)")
        ->type_name("N")
        ->check(CLI::Range(1u, 4000000000u))
        ->group(g);
    app.add_option("--repeat-delay", o.repeat_delay, "Seconds between repeats")
        ->type_name("SECONDS")
        ->check(CLI::Range(0.0, 86400.0))
        ->group(g);
  });
  lazy_option_family(app, {"-M", "max-inflight"}, [&app, &o, g] {
    app.add_option("-M,--max-inflight", o.max_inflight,
                   "QoS 1/2 messages in flight at once (default: the broker's Receive Maximum)")
        ->type_name("N")
        ->check(CLI::Range(1, 65535))
        ->group(g);
  });
}

void define(CLI::App& app, raw& o) {
  add_connection_flags(app, o.conn);
  define_payload(app, o);
  const char* g = "MQTT 5 publish properties";
  lazy_option_family(
      app,
      {"user-property", "content-type", "response-topic", "correlation-data", "message-expiry",
       "payload-format", "topic-alias", "wait-response"},
      [&app, &o, g] {
        app.add_option("--user-property", o.user_properties, "KEY=VALUE (repeatable)")
            ->type_name("KEY=VALUE")
            ->group(g);
        app.add_option("--content-type", o.content_type, "Content Type, e.g. application/json")
            ->type_name("TYPE")
            ->group(g);
        app.add_option("--response-topic", o.response_topic, "Response Topic")
            ->type_name("TOPIC")
            ->group(g);
        app.add_option("--correlation-data", o.correlation_data, "Correlation Data")
            ->type_name("DATA")
            ->group(g);
        app.add_option("--message-expiry", o.message_expiry, "Message Expiry Interval in seconds")
            ->type_name("SECONDS")
            ->group(g);
        app.add_option("--payload-format", o.payload_format,
                       "Payload Format Indicator: 0 bytes, 1 UTF-8 text")
            ->type_name("0|1")
            ->group(g);
        app.add_option("--topic-alias", o.topic_alias, "Topic Alias to set for the topic")
            ->type_name("N")
            ->group(g);
        app.add_option(
               "--wait-response", o.wait_response,
               "Request/response: set a Response Topic and fresh Correlation Data, print the "
               "reply, exit 6 if none comes within SECONDS (default 10)")
            ->type_name("SECONDS")
            ->expected(0, 1)
            ->group(g);
      });
  const char* r = "Response (with --wait-response; as mqtk-sub prints)";
  lazy_option_family(app,
                     {"-C", "count", "latency", "-v", "verbose", "-N", "no-newline", "-j", "json",
                      "pretty", "-F", "format"},
                     [&app, &o, r] {
                       app.add_option("-C,--count", o.responses,
                                      "Wait for N responses (several responders), then exit 0")
                           ->type_name("N")
                           ->check(CLI::Range(1u, 1000000u))
                           ->group(r);
                       app.add_flag("--latency", o.latency,
                                    "After each response, print its round-trip time to standard "
                                    "error")
                           ->group(r);
                       add_output_flags(app, o.response_output, r);
                     });
}

// The long options are spelled like -D publish NAME VALUE and go through the same table.
bool publish_properties(const raw& o, settings& s, std::string& why) {
  s.props = s.conn.props.publish;
  const std::pair<const std::string*, const char*> simple[] = {
      {&o.content_type, "content-type"},
      {&o.response_topic, "response-topic"},
      {&o.correlation_data, "correlation-data"},
      {&o.message_expiry, "message-expiry-interval"},
      {&o.payload_format, "payload-format-indicator"},
      {&o.topic_alias, "topic-alias"}};
  for (const auto& [value, name] : simple)
    if (!value->empty())
      if (auto e = set_property(s.props, "publish", name, *value, nullptr); !e.empty())
        return why = "--" + e, false;
  for (const auto& kv : o.user_properties) {
    std::string k, v;
    if (!split_user_property(kv, k, v))
      return why = "--user-property " + kv + ": expected KEY=VALUE", false;
    s.props.user_properties.emplace_back(k, v);
  }
  if (!s.props.empty() && s.conn.config.connect.version != codec::protocol_version::v5)
    return why = "publish properties need MQTT 5 (-V 5)", false;
  if (s.props.response_topic)
    if (auto ec = topic::validate_name(*s.props.response_topic))
      return why = "--response-topic: " + ec.message(), false;
  return true;
}

bool payload_source(const raw& o, settings& s, std::string& why) {
  const int sources = int(o.message_given) + int(!o.file.empty()) + int(o.null) + int(o.stdin_all) +
                      int(o.stdin_lines) + int(o.topic_lines) + int(o.jsonl);
  if (sources != 1)
    return why = "give exactly one of -m, -f, -n, -s, -l, --topic-per-line, --jsonl", false;
  s.payload = o.message;
  s.from = o.message_given   ? source::message
           : !o.file.empty() ? source::file
           : o.null          ? source::null
           : o.stdin_all     ? source::stdin_all
           : o.stdin_lines   ? source::stdin_lines
           : o.topic_lines   ? source::topic_lines
                             : source::jsonl;
  if (s.from == source::file) {
    auto text = read_whole_file(o.file, why);
    if (!text) return why = "-f: cannot read " + o.file + ": " + why, false;
    s.payload = std::move(*text);
  }
  if (o.separator.empty()) return why = "--separator must not be empty", false;
  s.separator = o.separator;
  return true;
}

std::optional<settings> validate(const raw& o, std::string& why) {
  settings s;
  auto conn = to_settings(o.conn, "mqtk-pub", why);
  if (!conn) return std::nullopt;
  s.conn = std::move(*conn);
  s.conn.config.max_inflight = static_cast<std::uint16_t>(o.max_inflight);
  if (!payload_source(o, s, why) || !publish_properties(o, s, why)) return std::nullopt;
  s.topic = !o.topic.empty() ? o.topic : s.conn.url_topic.value_or("");
  const bool per_line_topic = s.from == source::topic_lines || s.from == source::jsonl;
  if (per_line_topic && !s.topic.empty())
    return why = "-t does not go with --topic-per-line or --jsonl (each line names its topic)",
           std::nullopt;
  if (!per_line_topic && s.topic.empty())
    return why = "no topic: give -t TOPIC (or a URL with a path)", std::nullopt;
  if (!s.topic.empty())
    if (auto ec = topic::validate_name(s.topic))
      return why = "-t " + s.topic + ": " + ec.message(), std::nullopt;
  s.qos = static_cast<std::uint8_t>(o.qos);
  s.retain = o.retain;
  s.repeat = o.repeat;
  s.repeat_delay = o.repeat_delay;
  if (o.wait_response) {
    double seconds = 10;
    if (!o.wait_response->empty()) {
      try {
        seconds = std::stod(*o.wait_response);
      } catch (const std::exception&) {
        seconds = -1;
      }
    }
    if (!(seconds > 0 && seconds <= 86400))
      return why = "--wait-response " + *o.wait_response + ": expected seconds", std::nullopt;
    // With -V auto the broker must turn out to speak 5 (checked once connected).
    if (s.conn.config.connect.version != codec::protocol_version::v5)
      return why = "--wait-response needs MQTT 5 (-V 5 or -V auto)", std::nullopt;
    if (line_source(s.from) || s.repeat != 1)
      return why = "--wait-response sends one request (not with -l, --jsonl or --repeat)",
             std::nullopt;
    s.wait_response = seconds;
    if (!check_output_flags(o.response_output, why)) return std::nullopt;
    static_cast<output_flags&>(s.response_output) = o.response_output;
    s.response_output.colour = s.conn.colour_out;
    s.responses = o.responses.value_or(1);
    s.latency = o.latency;
  } else if (any_output_flag(o.response_output) || o.responses || o.latency) {
    return why = "-C, --latency, -v, -N, -j, --pretty and -F print responses: they need "
                 "--wait-response",
           std::nullopt;
  }
  return s;
}

} // namespace

std::optional<settings> parse(int argc, char** argv, int& exit_status) {
  return parse_tool<raw, settings>("mqtk-pub",
                                   "mqtk-pub: publish MQTT messages from the command line", manual,
                                   argc, argv, exit_status, define, validate);
}

} // namespace mqtk::app::pub
