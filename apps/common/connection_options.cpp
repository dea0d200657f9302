// SPDX-License-Identifier: MIT
// Shared client connection flags: definitions and validation.
#include "common/connection_options.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include "mqtk/client/url.hpp"
#include "mqtk/topic/validate.hpp"

namespace mqtk::app {

void add_connection_flags(CLI::App& app, connection_flags& f) {
  const char* g = "Connection";
  app.add_option("-h,--host", f.host, "Broker host (default localhost, or $MQTK_HOST)")->group(g);
  app.add_option("-p,--port", f.port, "Broker port (default 1883, or $MQTK_PORT)")
      ->check(CLI::Range(1, 65535))
      ->group(g);
  app.add_option("-L,--url", f.url, "mqtt://[USER[:PASS]@]HOST[:PORT][/TOPIC]")->group(g);
  app.add_option("-V,--protocol-version", f.version,
                 "MQTT version: 5 (default), 311, or mqttv5/mqttv311")
      ->group(g);
  app.add_option("-i,--id", f.id, "Client id (default: generated)")->group(g);
  app.add_option("-I,--id-prefix", f.id_prefix, "Client id prefix; the process id is appended")
      ->group(g);
  app.add_option("-u,--username", f.username, "User name (or $MQTK_USERNAME)")->group(g);
  app.add_option("-P,--pw", f.password, "Password (or $MQTK_PASSWORD, or --pw-file)")->group(g);
  app.add_option("--pw-file", f.password_file, "Read the password from FILE")->group(g);
  app.add_option("-k,--keepalive", f.keep_alive, "Keep-alive in seconds (default 60; 0 off)")
      ->check(CLI::Range(0, 65535))
      ->group(g);
  app.add_flag("-c,--disable-clean-session", f.no_clean, "Resume a persistent session")->group(g);
  app.add_option("-x,--session-expiry", f.session_expiry, "Session Expiry Interval in seconds (v5)")
      ->group(g);
  app.add_option("--will-topic", f.will_topic, "Will topic")->group(g);
  app.add_option("--will-payload", f.will_payload, "Will payload")->group(g);
  app.add_option("--will-qos", f.will_qos, "Will QoS")->check(CLI::Range(0, 2))->group(g);
  app.add_flag("--will-retain", f.will_retain, "Retain the will")->group(g);
  app.add_option("--connect-timeout", f.connect_timeout,
                 "Seconds to wait for the connection (default 10)")
      ->group(g);
  app.add_flag("-d,--debug", f.debug, "Trace every packet to stderr")->group(g);
  app.add_flag("--quiet", f.quiet, "No diagnostics on stderr; the exit status still tells")
      ->group(g);
}

namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

} // namespace

std::optional<connection_settings> to_settings(const connection_flags& f, const std::string& tool,
                                               std::string& why) {
  connection_settings s;
  auto& c = s.config.connect;
  if (f.version == "5" || f.version == "mqttv5" || f.version == "50")
    c.version = codec::protocol_version::v5;
  else if (f.version == "311" || f.version == "mqttv311" || f.version == "3.1.1")
    c.version = codec::protocol_version::v311;
  else
    return why = "-V " + f.version + ": use 5 or 311", std::nullopt;

  s.where.host = env("MQTK_HOST") ? env("MQTK_HOST") : "localhost";
  if (const char* p = env("MQTK_PORT")) {
    unsigned port = 0;
    const std::string_view v(p);
    const auto r = std::from_chars(v.data(), v.data() + v.size(), port);
    if (r.ec != std::errc{} || r.ptr != v.data() + v.size() || port == 0 || port > 65535)
      return why = "MQTK_PORT=" + std::string(v) + ": expected a port from 1 to 65535",
             std::nullopt;
    s.where.port = static_cast<std::uint16_t>(port);
  }
  if (const char* u = env("MQTK_USERNAME")) c.username = u;
  if (const char* p = env("MQTK_PASSWORD")) c.password = p;
  if (!f.url.empty()) {
    auto u = client::parse_url(f.url, why);
    if (!u) return why = "--url " + f.url + ": " + why, std::nullopt;
    if (u->scheme != "mqtt")
      return why =
                 "--url: " + u->scheme + ":// is not supported yet (TLS and WebSockets come later)",
             std::nullopt;
    s.where.host = u->host;
    s.where.port = u->port;
    if (u->username) c.username = u->username;
    if (u->password) c.password = u->password;
    if (!u->path.empty()) s.url_topic = u->path;
  }
  if (!f.host.empty()) s.where.host = f.host;
  if (f.port) s.where.port = static_cast<std::uint16_t>(*f.port);
  s.where.connect_timeout = std::chrono::seconds(f.connect_timeout);
  if (!f.username.empty()) c.username = f.username;
  if (!f.password.empty()) c.password = f.password;
  if (!f.password_file.empty()) {
    std::ifstream in(f.password_file);
    std::string pw;
    if (!in || !std::getline(in, pw))
      return why = "--pw-file: cannot read " + f.password_file, std::nullopt;
    c.password = pw;
  }
  if (c.password && !c.username && c.version == codec::protocol_version::v311)
    return why = "a password needs a user name in MQTT 3.1.1 (-u)", std::nullopt;
  c.client_id = !f.id.empty()          ? f.id
                : !f.id_prefix.empty() ? f.id_prefix + std::to_string(::getpid())
                                       : tool + "-" + std::to_string(::getpid());
  c.keep_alive = static_cast<std::uint16_t>(f.keep_alive);
  c.clean_start = !f.no_clean;
  if (f.session_expiry) {
    if (c.version != codec::protocol_version::v5)
      return why = "-x needs MQTT 5 (-V 5)", std::nullopt;
    c.props.session_expiry_interval = *f.session_expiry;
  } else if (f.no_clean && c.version == codec::protocol_version::v5) {
    c.props.session_expiry_interval = 0xFFFFFFFF; // -c keeps the session, as in 3.1.1
  }
  if (!f.will_topic.empty()) {
    if (auto ec = topic::validate_name(f.will_topic))
      return why = "--will-topic: " + ec.message(), std::nullopt;
    c.will = codec::will_message{
        f.will_topic, f.will_payload, static_cast<std::uint8_t>(f.will_qos), f.will_retain, {}};
  } else if (!f.will_payload.empty() || f.will_retain) {
    return why = "--will-payload and --will-retain need --will-topic", std::nullopt;
  }
  s.config.connack_timeout = std::chrono::seconds(f.connect_timeout);
  s.debug = f.debug;
  s.quiet = f.quiet;
  return s;
}

} // namespace mqtk::app
