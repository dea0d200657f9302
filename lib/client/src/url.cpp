// SPDX-License-Identifier: MIT
// Parsing broker URLs.
#include "mqtk/client/url.hpp"

#include <charconv>

namespace mqtk::client {
namespace {

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    unsigned v = 0;
    if (i + 2 >= s.size()) return std::nullopt;
    const auto r = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
    if (r.ec != std::errc{} || r.ptr != s.data() + i + 3) return std::nullopt;
    out.push_back(static_cast<char>(v));
    i += 2;
  }
  return out;
}

unexpected fail(std::string& why, std::string text) {
  why = std::move(text);
  return unexpected(std::make_error_code(std::errc::invalid_argument));
}

} // namespace

std::uint16_t default_port(std::string_view scheme) noexcept {
  if (scheme == "mqtts") return 8883;
  if (scheme == "ws") return 80;
  if (scheme == "wss") return 443;
  return 1883;
}

result<broker_url> parse_url(std::string_view url, std::string& why) {
  broker_url u;
  const auto sep = url.find("://");
  if (sep == std::string_view::npos)
    return fail(why, "expected SCHEME://HOST, e.g. mqtt://localhost:1883");
  u.scheme = std::string(url.substr(0, sep));
  if (u.scheme != "mqtt" && u.scheme != "mqtts" && u.scheme != "ws" && u.scheme != "wss")
    return fail(why, "unknown scheme '" + u.scheme + "' (use mqtt, mqtts, ws or wss)");
  u.port = default_port(u.scheme);
  auto rest = url.substr(sep + 3);
  const auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    auto path = percent_decode(rest.substr(slash + 1));
    if (!path) return fail(why, "bad percent-escape in the path");
    u.path = *path;
  }
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const auto userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    if (!user) return fail(why, "bad percent-escape in the user name");
    u.username = *user;
    if (colon != std::string_view::npos) {
      auto pass = percent_decode(userinfo.substr(colon + 1));
      if (!pass) return fail(why, "bad percent-escape in the password");
      u.password = *pass;
    }
  }
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail(why, "unclosed '[' in an IPv6 host");
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail(why, "expected ':PORT' after ']'");
      port = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return fail(why, "the URL names no host");
  u.host = std::string(host);
  if (!port.empty()) {
    unsigned p = 0;
    const auto r = std::from_chars(port.data(), port.data() + port.size(), p);
    if (r.ec != std::errc{} || r.ptr != port.data() + port.size() || p == 0 || p > 65535)
      return fail(why, "port must be a number from 1 to 65535");
    u.port = static_cast<std::uint16_t>(p);
  }
  return u;
}

} // namespace mqtk::client
