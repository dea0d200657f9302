// SPDX-License-Identifier: MIT
// The broker's transport: Asio listeners and connections that move bytes to and from broker_core.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mqtk/broker/broker_core.hpp"
#include "mqtk/core/result.hpp"

namespace asio {
class io_context;
}

namespace mqtk::transport {
class tls_context;
}

namespace mqtk::broker {

/// What a TCP listener speaks besides plain MQTT.
struct listener_options {
  /// TLS (mqtts, or wss with `websocket`); the context holds certificates and client checks.
  std::shared_ptr<transport::tls_context> tls;
  /// MQTT over WebSocket (ws, or wss with `tls`).
  bool websocket = false;
  /// The client certificate's Common Name becomes the user name; clients without one are
  /// refused (mosquitto's use_identity_as_username).
  bool identity_as_username = false;
  /// The largest WebSocket data frame accepted.
  std::uint64_t max_frame = 2u << 20;
  /// TCP_NODELAY on accepted sockets (mosquitto's set_tcp_nodelay): on by default, as the server
  /// coalesces its writes itself and Nagle would only add latency.
  bool tcp_nodelay = true;
};

/// Listeners and connections on one io_context, feeding one broker_core. Listeners are numbered
/// in the order they are made (0, 1, ...); the core's access policy sees that number.
/// Thread safety: all calls on the io_context's thread.
class server {
public:
  server(asio::io_context& io, broker_core& core);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Listens on TCP `address`:`port` (0 picks a free port); returns the bound port. TLS and
  /// WebSocket handshakes must complete within the core's CONNECT deadline, as CONNECT must.
  result<std::uint16_t> listen_tcp(const std::string& address, std::uint16_t port,
                                   listener_options options = {});
  /// Listens on a Unix-domain socket at `path` (an existing socket file is replaced).
  result<void> listen_unix(const std::string& path);
  /// Starts accepting and the periodic checks.
  void start();
  /// Sends v5 clients DISCONNECT 0x8B, flushes, closes everything; `done` runs when all closed.
  void shutdown(std::function<void()> done);
  /// Where log lines go, with their level: the core's (drops; client events if
  /// config::log_connections, with the peer's address), the server's own (failed saves), and,
  /// when `sockets` is set, one debug line per socket opened and closed.
  using logger = std::function<void(log_level, std::string)>;
  void set_logger(logger log, bool sockets = false);
  /// The access policy's answer to a CONNECT it held (broker_core::complete_auth), then the
  /// output it causes.
  void complete_auth(connection_id id, verdict v);
  /// Serves the next TLS connections on `listener` with `tls` (certificate rotation); the open
  /// ones keep theirs.
  void replace_tls(std::uint16_t listener, std::shared_ptr<transport::tls_context> tls);
  /// Hands the core's pending effects to the sockets: for callers that changed the core
  /// directly (a new access policy).
  void flush();
  /// Where the core's journal goes (config::journal): `save` must store a batch durably and
  /// return true, or return false with `why`. It runs on a thread of its own, one batch at a
  /// time, while the event loop goes on; what is journaled meanwhile is the next batch. Output
  /// waits until every batch journaled before it is saved, so no acknowledgement leaves before
  /// what it acknowledges is stored. A batch that cannot be saved is tried again on each tick;
  /// meanwhile every connection is closed without its pending output (clients send again what
  /// was not acknowledged) and the core refuses what would need a save. Set it before start();
  /// a null `save`, or the server's end, once the event loop has stopped, saves what is left
  /// on the calling thread and stops the writer's thread: do that before the store goes.
  /// A sink that saved the batch may keep its records (moving them out); one that did not must
  /// leave the batch as it was, to be tried again.
  using journal_sink = std::function<bool(std::vector<journal_record>& batch, std::string& why)>;
  void set_journal_sink(journal_sink save);

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace mqtk::broker
