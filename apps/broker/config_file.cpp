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

// Keys mosquitto has that belong to work not done yet: refused by name rather than ignored.
constexpr const char* const later[] = {"password_file", "acl_file"};

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
     "Accept clients without credentials; needed to listen on a non-loopback address.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       bool v;
       if (!boolean(a, v) || !b.empty()) return "allow_anonymous takes true or false";
       f.allow_anonymous = v;
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

std::span<const char* const> unsupported_keys() noexcept {
  return later;
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
    for (const char* k : later)
      if (key == k)
        return bad(fmt::format("'{}' is not supported yet (authentication arrives with later "
                               "work)",
                               key));
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
