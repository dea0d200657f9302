// SPDX-License-Identifier: MIT
// Broker URLs of the form mqtt[s]://[user[:pass]@]host[:port][/topic] and ws[s]://host[:port]/path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mqtk/core/result.hpp"

namespace mqtk::client {

struct broker_url {
  std::string scheme = "mqtt"; ///< mqtt, mqtts, ws, wss
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::string host = "localhost";
  std::uint16_t port = 1883;
  std::string path; ///< topic for mqtt[s], HTTP path for ws[s] (without the leading '/')
  bool tls() const noexcept { return scheme == "mqtts" || scheme == "wss"; }
};

/// Parses a URL; percent-escapes in user, password and path are decoded, IPv6 hosts are written
/// in brackets. Errors (std::errc::invalid_argument) carry a message in `why`.
result<broker_url> parse_url(std::string_view url, std::string& why);

/// The default port of a scheme: 1883, 8883, 80 or 443.
std::uint16_t default_port(std::string_view scheme) noexcept;

} // namespace mqtk::client
