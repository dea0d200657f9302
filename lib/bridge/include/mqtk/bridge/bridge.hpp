// SPDX-License-Identifier: MIT
// A bridge: this broker's link to another broker. It is a local link of broker_core (in-process,
// a session without a connection) on one side and a client::connection on the other; the QoS
// rules on the wire are client_session's, the routing is the core's.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "mqtk/bridge/bridge_config.hpp"
#include "mqtk/broker/log.hpp"
#include "mqtk/core/result.hpp"

namespace asio {
class io_context;
}

namespace mqtk::broker {
class broker_core;
}

namespace mqtk::bridge {

/// What the bridge needs from the broker around it.
struct hooks {
  /// One line per link state change (with the reason) and per refusal; never per message.
  std::function<void(broker::log_level, std::string)> log;
  /// The core was changed outside the server's own calls (a message from the other broker was
  /// published into it): hand its effects to the sockets (server::flush).
  std::function<void()> flush;
  /// When set, every packet to and from the other broker, one line each (the broker's -d-like
  /// debug log).
  std::function<void(const std::string&)> trace;
  /// Seconds between $SYS/broker/bridge/NAME/... updates (0: none), as the broker's sys_interval.
  unsigned sys_interval = 10;
};

struct counters {
  bool connected = false;
  std::uint64_t sent = 0;     ///< messages the other broker took (QoS 0 written, 1/2 acknowledged)
  std::uint64_t received = 0; ///< messages from the other broker published here
  std::uint64_t dropped = 0;  ///< for the other broker, lost to a full queue or refused by it
  std::size_t queued = 0;     ///< waiting for the link, or sent and not yet acknowledged
};

/// What start() would refuse (an address that does not parse, TLS files that cannot be used),
/// without connecting: for --test-config. Empty when the bridge can start.
std::string check(const bridge_config& cfg);

/// Thread safety: everything on the io_context's thread, the core's.
class bridge {
public:
  bridge(asio::io_context& io, broker::broker_core& core, bridge_config cfg, hooks h);
  ~bridge();
  bridge(const bridge&) = delete;
  bridge& operator=(const bridge&) = delete;

  /// Attaches to the core, subscribes there, and connects (now, or for start_type lazy once
  /// `threshold` messages wait). Errors: TLS files that cannot be used, an address that does not
  /// parse (the message says which, in `why`).
  result<void> start(std::string& why);
  /// Tells the other broker the link is going (notification 0), disconnects, detaches.
  void stop();
  counters stats() const;
  const bridge_config& config() const;

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

} // namespace mqtk::bridge
