// SPDX-License-Identifier: MIT
// Shared client connection flags: definitions and validation.
#include "common/connection_options.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include "common/colour.hpp"
#include "common/option_families.hpp"
#include "common/read_file.hpp"
#include "mqtk/auth/scram.hpp"
#include "mqtk/client/url.hpp"
#include "mqtk/topic/validate.hpp"

namespace mqtk::app {

void add_session_flags(CLI::App& app, connection_flags& f);

void add_connection_flags(CLI::App& app, connection_flags& f) {
  new_option_family(app);
  const char* g = "Connection";
  lazy_option_family(app, {"-h", "host", "-p", "port", "-L", "url"}, [&app, &f, g] {
    app.add_option("-h,--host", f.host, "Broker host (default localhost, or $MQTK_HOST)")
        ->type_name("HOST")
        ->group(g);
    app.add_option("-p,--port", f.port, "Broker port (default 1883, or $MQTK_PORT)")
        ->type_name("PORT")
        ->check(CLI::Range(1, 65535))
        ->group(g);
    app.add_option("-L,--url", f.url,
                   "mqtt[s]://[USER[:PASS]@]HOST[:PORT][/TOPIC] or ws[s]://HOST[:PORT][/PATH]")
        ->type_name("URL")
        ->group(g);
  });
  lazy_option_family(app, {"unix"}, [&app, &f, g] {
    app.add_option("--unix", f.unix_path, "Connect to the broker's Unix socket at PATH")
        ->type_name("PATH")
        ->group(g);
  });
  lazy_option_family(app, {"-A", "bind-address", "-V", "protocol-version"}, [&app, &f, g] {
    app.add_option("-A,--bind-address", f.bind_address, "Connect from this local address")
        ->type_name("ADDRESS")
        ->group(g);
    app.add_option("-V,--protocol-version", f.version,
                   "MQTT version: 5 (default), 311, or auto (5, else 3.1.1)")
        ->type_name("5|311|auto")
        ->group(g);
  });
  lazy_option_family(app, {"-i", "id", "-I", "id-prefix"}, [&app, &f, g] {
    app.add_option("-i,--id", f.id, "Client id (default: generated)")->type_name("ID")->group(g);
    app.add_option("-I,--id-prefix", f.id_prefix, "Client id prefix; the process id is appended")
        ->type_name("PREFIX")
        ->group(g);
  });
  lazy_option_family(app, {"-u", "username", "-P", "pw", "pw-file"}, [&app, &f, g] {
    app.add_option("-u,--username", f.username, "User name (or $MQTK_USERNAME)")
        ->type_name("USER")
        ->group(g);
    app.add_option("-P,--pw", f.password, "Password (or $MQTK_PASSWORD, or --pw-file)")
        ->type_name("PASSWORD")
        ->group(g);
    app.add_option("--pw-file", f.password_file, "Read the password from FILE")
        ->type_name("FILE")
        ->group(g);
  });
  lazy_option_family(app, {"auth-method"}, [&app, &f, g] {
    app.add_option("--auth-method", f.auth_method,
                   "Log in with SCRAM (MQTT 5 enhanced authentication): the password never "
                   "crosses the network and the broker must prove it knows the user")
        ->type_name("SCRAM-SHA-256|SCRAM-SHA-512")
        ->group(g);
  });
  lazy_option_family(app, {"-k", "keepalive"}, [&app, &f, g] {
    app.add_option("-k,--keepalive", f.keep_alive, "Keep-alive in seconds (default 60; 0 off)")
        ->type_name("SECONDS")
        ->check(CLI::Range(0, 65535))
        ->group(g);
  });
  add_session_flags(app, f);
  add_transport_flags(app, f.transport);
}

// The session and behaviour half of the connection flags (same "Connection" group).
void add_session_flags(CLI::App& app, connection_flags& f) {
  new_option_family(app);
  const char* g = "Connection";
  lazy_option_family(app, {"-c", "disable-clean-session", "-x", "session-expiry"}, [&app, &f, g] {
    app.add_flag("-c,--disable-clean-session", f.no_clean,
                 "Keep a persistent session, resumed by the next run with the same -i ID")
        ->group(g);
    app.add_option("-x,--session-expiry", f.session_expiry,
                   "Session Expiry Interval in seconds (v5)")
        ->type_name("SECONDS")
        ->group(g);
  });
  lazy_option_family(app, {"max-packet-size", "color"}, [&app, &f, g] {
    app.add_option("--max-packet-size", f.max_packet_size,
                   "Refuse packets from the broker over BYTES; MQTT 5 announces it, so the broker "
                   "drops larger messages instead (default: no limit below MQTT's 268435455)")
        ->type_name("BYTES")
        ->check(CLI::Range(std::uint32_t{16}, std::uint32_t{268'435'455}))
        ->group(g);
    app.add_option("--color", f.colour,
                   "Colour -v topics, -d traces and errors: auto (on a terminal, unless NO_COLOR "
                   "is set), always or never")
        ->type_name("auto|always|never")
        ->group(g);
  });
  lazy_option_family(app, {"will-topic", "will-payload", "will-qos", "will-retain"}, [&app, &f, g] {
    app.add_option("--will-topic", f.will_topic, "Will topic")->type_name("TOPIC")->group(g);
    app.add_option("--will-payload", f.will_payload, "Will payload")->type_name("TEXT")->group(g);
    app.add_option("--will-qos", f.will_qos, "Will QoS")
        ->type_name("0|1|2")
        ->check(CLI::Range(0, 2))
        ->group(g);
    app.add_flag("--will-retain", f.will_retain, "Retain the will")->group(g);
  });
  lazy_option_family(app, {"-D", "property"}, [&app, &f, g] {
    app.add_option("-D,--property", f.properties,
                   "v5 property: COMMAND NAME VALUE [VALUE], e.g. -D connect receive-maximum 10, "
                   "-D publish user-property KEY VALUE (repeatable)")
        ->type_name("COMMAND NAME VALUE")
        ->expected(3, 4)
        ->group(g);
  });
  lazy_option_family(app, {"connect-timeout", "no-reconnect"}, [&app, &f, g] {
    app.add_option(
           "--connect-timeout", f.connect_timeout,
           "Seconds to wait for the connection, and in mqtk-sub for its SUBACK (default 10)")
        ->type_name("SECONDS")
        ->group(g);
    app.add_flag("--no-reconnect", f.no_reconnect,
                 "Exit 7 when the connection is lost instead of reconnecting")
        ->group(g);
  });
  lazy_option_family(app, {"-o", "options-file"}, [&app, &f, g] {
    app.add_option("-o,--options-file", f.options_file,
                   "Read default options from FILE (default $XDG_CONFIG_HOME/mqtk/TOOL.conf)")
        ->type_name("FILE")
        ->group(g);
  });
  lazy_option_family(app, {"-d", "debug"}, [&app, &f, g] {
    app.add_flag("-d,--debug", f.debug, "Trace every packet to stderr")->group(g);
  });
  lazy_option_family(app, {"quiet"}, [&app, &f, g] {
    app.add_flag("--quiet", f.quiet, "No diagnostics on stderr; the exit status still tells")
        ->group(g);
  });
}

void note_given(const CLI::App& app, connection_flags& f) {
  // Undefined options (lazy families the command line did not name) count 0.
  f.given.host = given_count(app, "--host") > 0;
  f.given.port = given_count(app, "--port") > 0;
  f.given.url = given_count(app, "--url") > 0;
  f.given.username = given_count(app, "--username") > 0;
  f.given.password = given_count(app, "--pw") > 0 || given_count(app, "--pw-file") > 0;
}

namespace {

// Whether the authority part of a URL names a port ("mqtts://h:8884/t" does, "wss://[::1]/" not).
bool url_has_port(std::string_view url) {
  auto rest = url.substr(url.find("://") == std::string_view::npos ? 0 : url.find("://") + 3);
  rest = rest.substr(0, rest.find('/'));
  rest = rest.substr(rest.rfind('@') == std::string_view::npos ? 0 : rest.rfind('@') + 1);
  const auto bracket = rest.rfind(']');
  const auto colon = rest.rfind(':');
  return colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

bool parse_version(const std::string& v, codec::protocol_version& out, bool& automatic) {
  automatic = v == "auto";
  if (v == "5" || v == "mqttv5" || v == "50" || automatic)
    out = codec::protocol_version::v5;
  else if (v == "311" || v == "mqttv311" || v == "3.1.1")
    out = codec::protocol_version::v311;
  else
    return false;
  return true;
}

// One layer of where-to-connect settings: the options file's (given == false) or the command
// line's (given == true). The environment sits between the two.
bool apply_layer(const connection_flags& f, bool given, connection_settings& s, std::string& why) {
  auto& c = s.config.connect;
  if (!f.url.empty() && f.given.url == given) {
    auto u = client::parse_url(f.url, why);
    if (!u) return why = "--url " + f.url + ": " + why, false;
    s.scheme = u->scheme;
    s.where.host = u->host;
    s.where.port = u->port;
    s.port_given = url_has_port(f.url);
    if (u->username) c.username = u->username;
    if (u->password) c.password = u->password;
    // The path is a topic for mqtt[s] and the HTTP path for ws[s].
    if (!u->path.empty() && s.scheme.starts_with("ws")) s.where.ws_path = "/" + u->path;
    if (!u->path.empty() && !s.scheme.starts_with("ws")) s.url_topic = u->path;
  }
  if (!f.host.empty() && f.given.host == given) s.where.host = f.host;
  if (f.port && f.given.port == given) {
    s.where.port = static_cast<std::uint16_t>(*f.port);
    s.port_given = true;
  }
  if (!f.username.empty() && f.given.username == given) c.username = f.username;
  if (f.given.password == given) {
    if (!f.password.empty()) c.password = f.password;
    if (!f.password_file.empty()) {
      auto text = read_whole_file(f.password_file, why);
      if (!text) return why = "--pw-file: cannot read " + f.password_file + ": " + why, false;
      c.password = text->substr(0, text->find('\n')); // the first line
    }
  }
  return true;
}

bool apply_environment(connection_settings& s, std::string& why) {
  auto& c = s.config.connect;
  if (const char* h = env("MQTK_HOST")) s.where.host = h;
  if (const char* p = env("MQTK_PORT")) {
    unsigned port = 0;
    const std::string_view v(p);
    const auto r = std::from_chars(v.data(), v.data() + v.size(), port);
    if (r.ec != std::errc{} || r.ptr != v.data() + v.size() || port == 0 || port > 65535)
      return why = "MQTK_PORT=" + std::string(v) + ": expected a port from 1 to 65535", false;
    s.where.port = static_cast<std::uint16_t>(port);
    s.port_given = true;
  }
  if (const char* u = env("MQTK_USERNAME")) c.username = u;
  if (const char* p = env("MQTK_PASSWORD")) c.password = p;
  return true;
}

bool apply_session(const connection_flags& f, const std::string& tool, connection_settings& s,
                   std::string& why) {
  auto& c = s.config.connect;
  const bool v5 = c.version == codec::protocol_version::v5;
  // A persistent session under a generated id could never be resumed: mosquitto_sub and
  // mosquitto_pub refuse it too. mqtk-bench makes its own ids.
  if (f.no_clean && f.id.empty() && tool != "mqtk-bench")
    return why = "-c keeps a session for a later run, which must give the same client id: add "
                 "-i ID",
           false;
  if (c.password && !c.username && !v5)
    return why = "a password needs a user name in MQTT 3.1.1 (-u)", false;
  c.client_id = !f.id.empty()          ? f.id
                : !f.id_prefix.empty() ? f.id_prefix + std::to_string(::getpid())
                                       : tool + "-" + std::to_string(::getpid());
  c.keep_alive = static_cast<std::uint16_t>(f.keep_alive);
  c.clean_start = !f.no_clean;
  for (const auto& d : f.properties)
    if (auto e = apply_property(s.props, d); !e.empty()) return why = e, false;
  if (!v5 && !f.properties.empty()) return why = "-D needs MQTT 5 (-V 5)", false;
  c.props = s.props.connect;
  // A DISCONNECT may not set a Session Expiry when CONNECT had none [MQTT-3.14.2-2].
  if (s.props.disconnect.session_expiry_interval &&
      c.props.session_expiry_interval.value_or(f.session_expiry.value_or(0)) == 0 && !f.no_clean)
    return why = "-D disconnect session-expiry-interval needs a session expiry on CONNECT (-x)",
           false;
  if (f.session_expiry) {
    if (!v5) return why = "-x needs MQTT 5 (-V 5)", false;
    c.props.session_expiry_interval = *f.session_expiry;
  } else if (f.no_clean && v5 && !c.props.session_expiry_interval) {
    c.props.session_expiry_interval = 0xFFFFFFFF; // -c keeps the session, as in 3.1.1
  }
  if (!f.will_topic.empty()) {
    if (auto ec = topic::validate_name(f.will_topic))
      return why = "--will-topic: " + ec.message(), false;
    c.will =
        codec::will_message{f.will_topic, f.will_payload, static_cast<std::uint8_t>(f.will_qos),
                            f.will_retain, s.props.will};
  } else if (!f.will_payload.empty() || f.will_retain || !s.props.will.empty()) {
    return why = "--will-payload, --will-retain and -D will need --will-topic", false;
  }
  return true;
}

// SCRAM takes the user name and password; the password then stays out of the CONNECT.
bool apply_auth_method(const connection_flags& f, connection_settings& s, std::string& why) {
  if (f.auth_method.empty()) return true;
  auto& c = s.config.connect;
  const auto kind = auth::scram::kind_of(f.auth_method);
  if (!kind)
    return why = "--auth-method " + f.auth_method + ": use SCRAM-SHA-256 or SCRAM-SHA-512", false;
  if (c.version != codec::protocol_version::v5 || s.version_auto)
    return why = "--auth-method needs MQTT 5 (-V 5)", false;
  if (!c.username || !c.password)
    return why = "--auth-method " + f.auth_method + " needs -u USER and a password (-P, --pw-file)",
           false;
  s.config.auth = auth::scram::client(*kind, *c.username, *c.password);
  c.password.reset();
  return true;
}

} // namespace

std::optional<connection_settings> to_settings(const connection_flags& f, const std::string& tool,
                                               std::string& why) {
  connection_settings s;
  if (!parse_version(f.version, s.config.connect.version, s.version_auto))
    return why = "-V " + f.version + ": use 5, 311 or auto", std::nullopt;
  if (!apply_layer(f, false, s, why) || !apply_environment(s, why) ||
      !apply_layer(f, true, s, why) || !apply_session(f, tool, s, why) ||
      !apply_auth_method(f, s, why))
    return std::nullopt;
  if (!f.bind_address.empty()) {
    if (!f.unix_path.empty()) return why = "-A and --unix exclude each other", std::nullopt;
    unsigned char raw[16];
    if (::inet_pton(AF_INET, f.bind_address.c_str(), raw) != 1 &&
        ::inet_pton(AF_INET6, f.bind_address.c_str(), raw) != 1)
      return why = "-A " + f.bind_address + ": expected a local IP address", std::nullopt;
    s.where.bind_address = f.bind_address;
  }
  s.where.unix_path = f.unix_path;
  std::string warning;
  if (!apply_transport(f.transport, s.scheme, s.port_given, s.where, why, warning))
    return std::nullopt;
  if (!warning.empty() && !f.quiet) std::fprintf(stderr, "%s\n", warning.c_str());
  if (f.max_packet_size) {
    if (s.config.connect.props.maximum_packet_size)
      return why = "give --max-packet-size or -D connect maximum-packet-size, not both",
             std::nullopt;
    s.config.max_packet_size = *f.max_packet_size;
  }
  s.where.connect_timeout = std::chrono::seconds(f.connect_timeout);
  s.config.connack_timeout = std::chrono::seconds(f.connect_timeout);
  s.reconnect = !f.no_reconnect;
  s.debug = f.debug;
  s.quiet = f.quiet;
  if (!valid_colour_mode(f.colour))
    return why = "--color " + f.colour + ": use auto, always or never", std::nullopt;
  s.colour_out = colour_for(f.colour, STDOUT_FILENO);
  s.colour_err = colour_for(f.colour, STDERR_FILENO);
  return s;
}

} // namespace mqtk::app
