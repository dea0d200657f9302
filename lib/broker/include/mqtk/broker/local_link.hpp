// SPDX-License-Identifier: MIT
// Local links: in-process clients of broker_core (bridges, later cluster peers) that publish
// with an origin and receive messages as events, not bytes.
#pragma once

#include <cstdint>

#include "mqtk/session/inflight.hpp"

namespace mqtk::broker {

using link_id = std::uint64_t;

/// How a link takes its messages.
struct link_options {
  /// false: every message is the link's once on_message() returns (nothing is held for it).
  /// true: QoS 1/2 messages are held in the link's session, as for a client, until the link
  /// calls broker_core::link_acknowledged() with their packet_id: at most `window` at a time,
  /// the rest queued up to max_queued_messages, and with config::journal all of it saved, so
  /// that a restart gives a link attached under the same name what it had not acknowledged
  /// (a bridge's messages for a broker that is down survive a kill -9).
  bool acknowledged = false;
  std::uint16_t window = 1000;
};

/// What a local link receives. Contract: on_message() runs on the core's thread, inside the core
/// call that routed the message (on_bytes, on_tick, on_closed or broker_core::publish), once per
/// message however many of the link's subscriptions match (the highest QoS and every
/// Subscription Identifier, as for a client [MQTT-3.3.4-2] [MQTT-3.3.4-3]). It must not call
/// back into the core then; it queues what it wants to do (a bridge hands the message to its
/// upstream session). Unless the link was attached with link_options::acknowledged, delivery
/// needs no acknowledgement: the message is the link's once the call returns. The core also
/// calls it inside attach_link() (a session taken over), link_acknowledged() and resume_link().
/// Thread safety: called from the core's thread only.
class local_link {
public:
  virtual ~local_link() = default;
  /// One message for the link: the shared message with this delivery's QoS, RETAIN (retained
  /// messages sent because of a new subscription keep it), Subscription Identifiers and the
  /// wall of its Message Expiry (expires_at, from the core's clock). For an acknowledged link a
  /// QoS 1/2 message has its packet_id; the same id may come again (after resume_link(), or when
  /// a restored session is attached) until it is acknowledged. link_acknowledged() for it is a
  /// call into the core: not from here, but later (posted), as any other.
  virtual void on_message(const session::outbound_message& m) = 0;
};

} // namespace mqtk::broker
