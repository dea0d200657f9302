// SPDX-License-Identifier: MIT
// Reading mqtk-broker's config file (a mosquitto.conf subset).
#include "broker/config_file.hpp"

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
constexpr const char* later[] = {"password_file",
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

} // namespace

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
    if (key == "listener") {
      listener l;
      if (!number(a, l.port)) return bad("listener needs a port number");
      l.address = b.empty() ? "127.0.0.1" : b;
      f.listeners.push_back(l);
    } else if (key == "port") {
      std::uint16_t p;
      if (!number(a, p) || !b.empty()) return bad("port needs one port number");
      f.port = p;
    } else if (key == "bind_address") {
      if (a.empty() || !b.empty()) return bad("bind_address needs one address");
      f.bind_address = a;
    } else if (key == "allow_anonymous") {
      bool v;
      if (!boolean(a, v) || !b.empty()) return bad("allow_anonymous takes true or false");
      f.allow_anonymous = v;
    } else if (key == "max_packet_size") {
      std::uint32_t v;
      if (!number(a, v) || v < 20 || !b.empty()) return bad("max_packet_size needs a number >= 20");
      f.max_packet_size = v;
    } else if (key == "max_inflight_messages") {
      std::uint16_t v;
      if (!number(a, v) || v == 0 || !b.empty())
        return bad("max_inflight_messages needs a number from 1 to 65535");
      f.max_inflight = v;
    } else if (key == "max_queued_messages") {
      std::size_t v;
      if (!number(a, v) || !b.empty()) return bad("max_queued_messages needs a number");
      f.max_queued = v;
    } else if (key == "max_keepalive") {
      std::uint16_t v;
      if (!number(a, v) || v == 0 || !b.empty())
        return bad("max_keepalive needs seconds from 1 to 65535");
      f.max_keep_alive = v;
    } else if (key == "sys_interval") {
      unsigned v;
      if (!number(a, v) || !b.empty()) return bad("sys_interval needs seconds");
      f.sys_interval = v;
    } else {
      return bad(fmt::format("unknown key '{}'", key));
    }
  }
  return f;
}

} // namespace mqtk::app::broker
