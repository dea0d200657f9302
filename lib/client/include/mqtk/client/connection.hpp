// SPDX-License-Identifier: MIT
// One MQTT client connection over TCP, TLS, WebSocket or a Unix socket: Asio moves the bytes,
// transport layers wrap them, session::client_session speaks MQTT, connection_policy decides about
// attempts.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mqtk/client/connection_policy.hpp"
#include "mqtk/session/client_session.hpp"

namespace asio {
class io_context;
}

namespace mqtk::transport {
class tls_context;
}

namespace mqtk::client {

struct endpoint {
  std::string host = "localhost";
  std::uint16_t port = 1883;
  std::string unix_path;    ///< when set, connect to this Unix socket instead of host:port
  std::string bind_address; ///< local address to connect from (-A); empty: the kernel's choice
  /// DNS, TCP and the TLS/WebSocket handshakes together; then the session's CONNACK timeout.
  session::duration connect_timeout = std::chrono::seconds(10);
  /// mqtts and wss: the TLS settings, and the name or address the server certificate must
  /// carry (also sent as SNI); empty skips the name check (--insecure).
  std::shared_ptr<transport::tls_context> tls;
  std::string tls_verify_host;
  /// ws and wss: MQTT in WebSocket binary frames after an HTTP upgrade of `ws_path`.
  bool websocket = false;
  std::string ws_path = "/mqtt";
  std::vector<std::string> ws_headers; ///< "Name: value" lines added to the upgrade request
};

/// Connects (DNS, TCP with a timeout), runs the session, and reports every session event to
/// `on_event`. Outgoing frames queued while a write is in flight go out together in the next
/// write. Thread safety: use from the io_context's thread only.
class connection {
public:
  using event_handler = std::function<void(const session::client_event&)>;

  connection(asio::io_context& io, session::client_config config, endpoint where);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Resolves and connects; then sends CONNECT. A failure to reach the broker is reported as
  /// event::closed with transport_failure() set (exit status 3 in the tools).
  void start(event_handler on_event);
  result<std::uint16_t> publish(codec::publish message);
  result<std::uint16_t> subscribe(std::vector<codec::subscription> topics, codec::properties props);
  result<std::uint16_t> unsubscribe(std::vector<std::string> filters, codec::properties props);
  /// Sends DISCONNECT, flushes, closes; event::closed follows.
  void disconnect(reason_code code = reason_code::success, codec::properties props = {});
  /// Closes at once without DISCONNECT (the will is published).
  void abort();

  session::client_session& session() noexcept;
  /// Set when the last event::closed came from DNS/TCP rather than MQTT.
  failure transport_failure() const noexcept;
  /// Trace every packet to `trace` (the tools' -d).
  void set_trace(std::function<void(const std::string&)> trace);
  /// Reconnect after a loss; `notice` hears one line per attempt (the tools print it). The
  /// session resumes on the new connection: unacknowledged messages are resent, and event::
  /// connected comes again (its session_present says whether subscriptions survived).
  void set_reconnect(reconnect_policy policy, std::function<void(const std::string&)> notice);
  /// Where the next attempt goes (a reconnection after a loss); the current one is unchanged.
  void set_endpoint(endpoint where);
  /// Called when everything queued so far has been written (a producer that stopped because
  /// output was piling up may go on).
  void set_drained_handler(std::function<void()> drained);
  /// True while 64 KiB or more wait behind a write in progress.
  bool backlogged() const noexcept;
  /// -V auto: when the broker refuses MQTT 5 (or closes before CONNACK), try again with 3.1.1.
  void set_version_fallback(bool on);
  /// For a client the broker owes nothing once it has sent DISCONNECT (no subscription, no
  /// resumed session, nothing unacknowledged: a one-shot publish): the socket closes right after
  /// the DISCONNECT instead of waiting for the broker's end of stream, unless input is already
  /// waiting (closing over unread input would reset the connection).
  void set_close_at_once(bool on);

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

} // namespace mqtk::client
