// SPDX-License-Identifier: MIT
// What broker_core tells its log: lines with a level (mosquitto's log_type names them) and, for
// lines about one connection, where the transport's peer address belongs in the text.
#pragma once

#include <cstdint>
#include <string>

namespace mqtk::broker {

/// mosquitto's log types, so that `log_type` in a mosquitto.conf selects the same lines.
enum class log_level : std::uint8_t {
  error,       // the broker cannot do what it must (a failed save)
  warning,     // a client or the configuration is not as it should be (drops, slow consumers)
  notice,      // connections: connected, refused, disconnected and why
  information, // the broker's own life: listening, reloading, stopping
  debug,       // sockets opened and closed, transport errors
  subscribe,   // each SUBSCRIBE filter granted
  unsubscribe, // each UNSUBSCRIBE filter
};

/// A bit per level, for the set of levels that are logged.
constexpr std::uint32_t bit(log_level l) {
  return 1u << static_cast<unsigned>(l);
}

struct log_entry {
  log_level level = log_level::notice;
  std::string text;
  /// The connection the line is about (0: none). The core knows no addresses: the transport puts
  /// " from ADDRESS:PORT on port N" at `peer_at` in `text` when it still knows the peer.
  std::uint64_t conn = 0;
  std::size_t peer_at = std::string::npos;
};

} // namespace mqtk::broker
