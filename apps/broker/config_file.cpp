// SPDX-License-Identifier: MIT
// Reading mqtk-broker's config file (a mosquitto.conf subset).
#include "broker/config_file.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace mqtk::app::broker {
namespace {

template <class T>
bool number(const std::string& s, T& out) {
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc{} && p == end;
}

bool boolean(const std::string& s, bool& out) {
  if (s == "true") return out = true, true;
  if (s == "false") return out = false, true;
  return false;
}

using field_error = std::string; // empty: the value was taken

// Design: one table is both the parser and mqtk-broker.conf(5) (`mqtk-broker --generate
// conf-man`), so the manual cannot describe a key the parser does not take.
// The listener a per-listener key (certfile, protocol, ...) belongs to: the last one above it.
listener* current(file_settings& f) {
  return f.listeners.empty() ? nullptr : &f.listeners.back();
}

// A per-listener key taking one value into `member` of the current listener's TLS options.
template <std::string transport::tls_options::*member>
field_error tls_value(const std::string& a, const std::string& b, file_settings& f) {
  auto* l = current(f);
  if (!l) return "TLS keys belong to a listener: put 'listener PORT' above them";
  if (a.empty() || !b.empty()) return "expected one value";
  l->tls.*member = a;
  return {};
}

field_error listener_flag(const std::string& a, const std::string& b, file_settings& f,
                          bool listener::*member, bool tls_member) {
  auto* l = current(f);
  bool v = false;
  if (!l) return "this key belongs to a listener: put 'listener PORT' above it";
  if (!boolean(a, v) || !b.empty()) return "expected true or false";
  if (tls_member) {
    l->tls.verify_peer = v;
    l->tls.require_peer_cert = v;
  } else {
    l->*member = v;
  }
  return {};
}

// Where an access key goes: the listener above it, if any (used per listener only with
// per_listener_settings true; merged into the broker's otherwise).
security_files& security_of(file_settings& f) {
  return f.listeners.empty() ? f.security : f.listeners.back().security;
}

const config_key keys[] = {
    {"listener", "PORT [ADDRESS]",
     "Listen on ADDRESS:PORT (default address 127.0.0.1). Repeatable.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       listener l;
       if (!number(a, l.port)) return "listener needs a port number";
       l.address = b.empty() ? "127.0.0.1" : b;
       f.listeners.push_back(l);
       return {};
     }},
    {"protocol", "mqtt|websockets",
     "What the listener above speaks: MQTT over TCP (default) or MQTT over WebSocket (with "
     "certfile, secure WebSocket).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       auto* l = current(f);
       if (!l) return "protocol belongs to a listener: put 'listener PORT' above it";
       if ((a != "mqtt" && a != "websockets") || !b.empty())
         return "protocol is mqtt or websockets";
       l->websocket = a == "websockets";
       return {};
     }},
    {"certfile", "FILE",
     "The listener's certificate chain (PEM); with keyfile, the listener speaks TLS.",
     tls_value<&transport::tls_options::certfile>},
    {"keyfile", "FILE", "The private key (PEM) of certfile.",
     tls_value<&transport::tls_options::keyfile>},
    {"cafile", "FILE", "CA certificates (PEM) that client certificates are checked against.",
     tls_value<&transport::tls_options::cafile>},
    {"capath", "DIR", "A directory of hashed CA certificates, as cafile.",
     tls_value<&transport::tls_options::capath>},
    {"tls_version", "tlsv1.1|tlsv1.2|tlsv1.3", "The lowest TLS version accepted (default tlsv1.2).",
     tls_value<&transport::tls_options::min_version>},
    {"ciphers", "LIST", "OpenSSL cipher list (TLS 1.2) or TLS 1.3 suites.",
     tls_value<&transport::tls_options::ciphers>},
    {"require_certificate", "true|false",
     "Clients must present a certificate signed by cafile (mutual TLS; default false).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       return listener_flag(a, b, f, nullptr, true);
     }},
    {"use_identity_as_username", "true|false",
     "The client certificate's Common Name is the user name; needs require_certificate.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       return listener_flag(a, b, f, &listener::identity_as_username, false);
     }},
    {"port", "PORT", "Listen on PORT at bind_address (mosquitto's older form).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::uint16_t p;
       if (!number(a, p) || !b.empty()) return "port needs one port number";
       f.port = p;
       return {};
     }},
    {"bind_address", "ADDRESS", "The address for port (default 127.0.0.1).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if (a.empty() || !b.empty()) return "bind_address needs one address";
       f.bind_address = a;
       return {};
     }},
    {"allow_anonymous", "true|false",
     "Accept clients without a user name. Default: false where a password_file applies, else "
     "true, and then only loopback listeners may be used unless this is said.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       bool v;
       if (!boolean(a, v) || !b.empty()) return "allow_anonymous takes true or false";
       security_of(f).allow_anonymous = v;
       return {};
     }},
    {"password_file", "FILE",
     "Users and password hashes, as mosquitto_passwd or mqtk-passwd write them; clients must "
     "give a user name and password that match. Read again on SIGHUP.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if (a.empty() || !b.empty()) return "password_file needs one file name";
       security_of(f).password_file = a;
       return {};
     }},
    {"acl_file", "FILE",
     "Which topics each client may read and write (mosquitto's format: topic, user and "
     "pattern lines); what no line grants is refused. Read again on SIGHUP.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if (a.empty() || !b.empty()) return "acl_file needs one file name";
       security_of(f).acl_file = a;
       return {};
     }},
    {"per_listener_settings", "true|false",
     "true: allow_anonymous, password_file and acl_file written under a listener apply to "
     "that listener only (default false: to the whole broker, wherever written).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       bool v;
       if (!boolean(a, v) || !b.empty()) return "per_listener_settings takes true or false";
       f.per_listener_settings = v;
       return {};
     }},
    {"max_connections", "N",
     "Simultaneous client connections; one more is refused with CONNACK Quota exceeded (v5) or "
     "Server unavailable (3.1.1). -1: no limit (default 100000).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       long long v = 0;
       if (!number(a, v) || !b.empty() || v == 0 || v < -1)
         return "max_connections needs a number from 1, or -1 for no limit";
       f.max_connections = v < 0 ? std::size_t{10'000'000} : static_cast<std::size_t>(v);
       return {};
     }},
    {"max_packet_size", "BYTES", "The largest packet accepted (at least 20; default 1048576).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::uint32_t v;
       if (!number(a, v) || v < 20 || !b.empty()) return "max_packet_size needs a number >= 20";
       f.max_packet_size = v;
       return {};
     }},
    {"max_inflight_messages", "N", "QoS 1 and 2 messages in flight per client (default 100).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::uint16_t v;
       if (!number(a, v) || v == 0 || !b.empty())
         return "max_inflight_messages needs a number from 1 to 65535";
       f.max_inflight = v;
       return {};
     }},
    {"max_queued_messages", "N", "Messages queued per client (default 1000).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::size_t v;
       if (!number(a, v) || !b.empty()) return "max_queued_messages needs a number";
       f.max_queued = v;
       return {};
     }},
    {"max_keepalive", "SECONDS",
     "The largest keep-alive accepted; MQTT 5 clients asking for more are told this.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::uint16_t v;
       if (!number(a, v) || v == 0 || !b.empty())
         return "max_keepalive needs seconds from 1 to 65535";
       f.max_keep_alive = v;
       return {};
     }},
    {"persistence", "true|false",
     "Keep sessions, their queued messages and retained messages across restarts and crashes, "
     "in an SQLite database (see persistence_file). Every change is saved before it is "
     "acknowledged (default false).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       bool v;
       if (!boolean(a, v) || !b.empty()) return "persistence takes true or false";
       f.persistence = v;
       return {};
     }},
    {"persistence_location", "DIR", "The directory of the database (default: the current one).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if (a.empty() || !b.empty()) return "persistence_location needs one directory";
       f.persistence_location = a;
       return {};
     }},
    {"persistence_file", "NAME",
     "The database's file name in persistence_location (default "
     "mqtk.db; mosquitto's own mosquitto.db format is not read).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if (a.empty() || !b.empty() || a.find('/') != std::string::npos)
         return "persistence_file needs one file name (the directory is persistence_location)";
       f.persistence_file = a;
       return {};
     }},
    {"persistence_sync", "normal|full",
     "mqtk's own key. normal: a saved change survives a crash of the broker (the default); "
     "full: it also survives a power loss (an fsync per commit, slower).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if ((a != "normal" && a != "full") || !b.empty())
         return "persistence_sync is normal or full";
       f.persistence_sync = a;
       return {};
     }},
    {"autosave_interval", "SECONDS",
     "Accepted and not needed: mqtk-broker saves every change as it happens, not in snapshots.",
     [](const std::string&, const std::string&, file_settings& f) -> field_error {
       f.warnings.push_back("autosave_interval is not needed: every change is saved as it "
                            "happens, before it is acknowledged");
       return {};
     }},
    {"autosave_on_changes", "true|false", "Accepted and not needed, as autosave_interval.",
     [](const std::string&, const std::string&, file_settings& f) -> field_error {
       f.warnings.push_back("autosave_on_changes is not needed: every change is saved as it "
                            "happens, before it is acknowledged");
       return {};
     }},
    {"sys_interval", "SECONDS", "Seconds between $SYS updates; 0 turns them off (default 10).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       unsigned v;
       if (!number(a, v) || !b.empty()) return "sys_interval needs seconds";
       f.sys_interval = v;
       return {};
     }},
};

} // namespace

std::span<const config_key> config_keys() noexcept {
  return keys;
}

result<file_settings> read_config_file(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = fmt::format("cannot read config file {}", path);
    return unexpected(std::make_error_code(std::errc::no_such_file_or_directory));
  }
  file_settings f;
  std::string line;
  int n = 0;
  auto bad = [&](const std::string& why) {
    error = fmt::format("{}:{}: {}", path, n, why);
    return unexpected(std::make_error_code(std::errc::invalid_argument));
  };
  while (std::getline(in, line)) {
    ++n;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string key, a, b, extra;
    if (!(words >> key)) continue;
    words >> a >> b >> extra;
    if (!extra.empty()) return bad(fmt::format("too many values for '{}'", key));
    const auto* k = std::find_if(std::begin(keys), std::end(keys),
                                 [&](const config_key& c) { return key == c.key; });
    if (k == std::end(keys)) return bad(fmt::format("unknown key '{}'", key));
    const auto remarks = f.warnings.size();
    if (auto why = k->apply(a, b, f); !why.empty()) return bad(why);
    if (f.warnings.size() > remarks)
      f.warnings.back() = fmt::format("{}:{}: {}", path, n, f.warnings.back());
  }
  return f;
}

} // namespace mqtk::app::broker
