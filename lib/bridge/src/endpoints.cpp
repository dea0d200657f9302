// SPDX-License-Identifier: MIT
// A bridge's `address` entries as client endpoints.
#include "endpoints.hpp"

#include <charconv>

#include "mqtk/client/url.hpp"
#include "mqtk/transport/tls.hpp"

namespace mqtk::bridge {

namespace {

bool port_of(std::string_view s, std::uint16_t& port) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v == 0 || v > 65535) return false;
  port = static_cast<std::uint16_t>(v);
  return true;
}

// host, host:port or [v6]:port (mosquitto: an IPv6 address needs its port).
bool host_port(const std::string& a, client::endpoint& e, std::string& why) {
  std::string_view s = a;
  if (s.starts_with("[")) {
    const auto close = s.find(']');
    if (close == std::string_view::npos || s.substr(close + 1, 1) != ":")
      return why = "address " + a + ": expected [IPv6]:PORT", false;
    e.host = std::string(s.substr(1, close - 1));
    s.remove_prefix(close + 2);
  } else if (const auto colon = s.rfind(':'); colon != std::string_view::npos) {
    e.host = std::string(s.substr(0, colon));
    s.remove_prefix(colon + 1);
  } else {
    e.host = a;
    return true;
  }
  if (!port_of(s, e.port)) return why = "address " + a + ": bad port", false;
  return true;
}

} // namespace

result<client::endpoint> endpoint_of(const std::string& address, const bridge_config& cfg,
                                     std::shared_ptr<transport::tls_context>& tls,
                                     std::string& why) {
  client::endpoint e;
  bool secure = !cfg.cafile.empty() || !cfg.capath.empty();
  if (address.find("://") != std::string::npos) {
    auto u = client::parse_url(address, why);
    if (!u) return unexpected(u.error());
    e.host = u->host;
    e.port = u->port;
    e.websocket = u->scheme == "ws" || u->scheme == "wss";
    if (e.websocket && !u->path.empty()) e.ws_path = "/" + u->path; // else /mqtt, as the tools
    secure = u->tls();
  } else if (!host_port(address, e, why)) {
    return unexpected(std::make_error_code(std::errc::invalid_argument));
  }
  if (!secure) return e;
  if (!tls) {
    transport::tls_options o;
    o.cafile = cfg.cafile;
    o.capath = cfg.capath;
    o.certfile = cfg.certfile;
    o.keyfile = cfg.keyfile;
    o.min_version = cfg.tls_version;
    o.alpn = cfg.alpn;
    o.use_os_certs = cfg.cafile.empty() && cfg.capath.empty();
    tls = transport::tls_context::make(false, o, why);
    if (!tls) return unexpected(std::make_error_code(std::errc::invalid_argument));
  }
  e.tls = tls;
  e.tls_verify_host = cfg.insecure ? "" : e.host;
  return e;
}

} // namespace mqtk::bridge
