// SPDX-License-Identifier: MIT
// Mapping connection endings to the documented exit statuses.
#include "common/exit_status.hpp"

#include <fmt/format.h>

#include "common/exit_codes.hpp"
#include "mqtk/core/errc.hpp"

namespace mqtk::app {

int exit_status_for(const session::event::closed& e, client::failure f, bool connected,
                    const client::endpoint& where, codec::protocol_version version,
                    std::string& message) {
  const auto reason = [&] {
    std::string r = e.error.message();
    if (e.error.category() == reason_category()) r = fmt::format("0x{:02x} {}", e.error.value(), r);
    // A Reason String that only repeats the code's name (mqtk-broker's, for one) is said once.
    if (e.reason_string && *e.reason_string != e.error.message())
      r += fmt::format(" ({})", *e.reason_string);
    return r;
  };
  if (f == client::failure::unreachable || f == client::failure::timed_out) {
    // A TLS or WebSocket handshake failure carries its own words (which check failed).
    message = fmt::format("could not reach {}:{}: {}", where.host, where.port,
                          e.reason_string ? *e.reason_string : e.error.message());
    return exit_unreachable;
  }
  if (!connected) {
    if (e.by_server && e.error.category() == reason_category()) {
      message = "the broker refused the connection: " + reason();
      // Many brokers in the field speak only MQTT 3.1.1 and refuse 5 this way.
      if (e.error == reason_code::unsupported_protocol_version)
        message += version == codec::protocol_version::v5
                       ? "; it may speak only MQTT 3.1.1: try -V 311, or -V auto to fall back "
                         "by itself"
                       : "; it may speak only MQTT 5: try -V 5";
      return exit_refused;
    }
    if (e.error == errc::server_not_proven) { // SCRAM: this side refused the broker
      message = "refusing the broker: " + e.error.message();
      return exit_unreachable;
    }
    if (e.error == std::errc::timed_out) {
      message = "no CONNACK from the broker in time";
      return exit_timeout;
    }
    // The broker was reached but did not speak MQTT (a malformed CONNACK, say): a protocol
    // failure, exit 7 as after CONNACK, and named so, not "could not reach".
    if (e.error.category() == error_category() && e.error != errc::auth_exchange_failed) {
      message = "the broker broke the protocol before CONNACK: " + reason();
      return exit_connection_lost;
    }
    message = "the connection ended before CONNACK: " + reason();
    return exit_unreachable;
  }
  message = (e.by_server ? "the broker ended the connection: " : "connection lost: ") + reason();
  if (!e.by_server && e.error == errc::packet_too_large)
    message += "; raise --max-packet-size (over MQTT 5 the broker drops such messages instead)";
  return exit_connection_lost;
}

} // namespace mqtk::app
