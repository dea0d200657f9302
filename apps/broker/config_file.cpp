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
constexpr const char* const later[] = {"password_file",
                                       "acl_file",
                                       "persistence",
                                       "persistence_location",
                                       "persistence_file",
                                       "certfile",
                                       "keyfile",
                                       "cafile",
                                       "capath",
                                       "require_certificate",
                                       "use_identity_as_username",
                                       "protocol",
                                       "tls_version",
                                       "ciphers"};

using field_error = std::string; // empty: the value was taken

// Design: one table is both the parser and mqtk-broker.conf(5) (`mqtk-broker --generate
// conf-man`), so the manual cannot describe a key the parser does not take.
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
        return bad(fmt::format("'{}' is not supported yet (TLS, WebSocket, authentication and "
                               "persistence settings arrive with later work)",
                               key));
    const auto* k = std::find_if(std::begin(keys), std::end(keys),
                                 [&](const config_key& c) { return key == c.key; });
    if (k == std::end(keys)) return bad(fmt::format("unknown key '{}'", key));
    if (auto why = k->apply(a, b, f); !why.empty()) return bad(why);
  }
  return f;
}

} // namespace mqtk::app::broker
