// SPDX-License-Identifier: MIT
// The QoS flow engine: one session's packet ids, outbound window and queue, acknowledgements and
// inbound QoS 2 state, shared by the client (client_session) and the broker (broker_core).
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <system_error>
#include <unordered_set>
#include <vector>

#include "mqtk/codec/packets.hpp"
#include "mqtk/core/reason_code.hpp"
#include "mqtk/session/byte_account.hpp"
#include "mqtk/session/inflight.hpp"
#include "mqtk/session/packet_id_pool.hpp"
#include "mqtk/topic/topic_alias.hpp"

namespace mqtk::session {

/// How a flow's owner puts packets on the wire: the flow decides what goes and when, the owner
/// encodes (a broker with the subscriber's fields and shared payloads, a client as it is).
/// Every call happens inside the flow call that caused it.
class flow_output {
public:
  /// Send `m` as a PUBLISH, with DUP when `dup` [MQTT-3.3.1-1]. False: `m` cannot go to this
  /// peer (expired, over its Maximum Packet Size); the flow forgets it, the owner counts why.
  virtual bool publish(const outbound_message& m, bool dup) = 0;
  /// Send PUBREL `id` with reason `rc`.
  virtual void pubrel(std::uint16_t id, reason_code rc) = 0;
  /// A QoS 1/2 message left the window: PUBACK, PUBCOMP or a failing PUBREC (`props` are that
  /// packet's), or a resume without session found it already received (empty `props`).
  virtual void completed(const outbound_message& m, reason_code rc,
                         const codec::properties& props) = 0;

protected:
  ~flow_output() = default;
};

/// What an inbound QoS 2 PUBLISH is to the flow.
enum class inbound_qos2 : std::uint8_t {
  fresh,     ///< a new id, now awaiting PUBREL: deliver it, then PUBREC
  duplicate, ///< already PUBREC'd: PUBREC again, do not deliver twice [MQTT-4.3.3-10]
  over_limit ///< more unreleased ids than this side's Receive Maximum [MQTT-3.3.4-9]
};

/// Everything a flow holds, as values: what persistence saves and a bridge rebuilds.
struct flow_snapshot {
  std::vector<outbound_message> inflight; ///< send order, with ids and states
  /// Behind the window, in order, no ids yet. A list, the queue's own type: a restart's queue of
  /// a million is spliced into the flow, not moved message by message.
  std::list<outbound_message> queued;
  std::vector<std::uint16_t> inbound_qos2;
  std::uint16_t last_packet_id = 0; ///< where the id cycle goes on
  // SUBSCRIBE / UNSUBSCRIBE ids are not here: a request belongs to its connection, and a client
  // asks again after a reconnect.
};

/// One session's QoS 1/2 state in both directions (sections 4.3, 4.4, 4.6).
/// Packet ids: one cycle for PUBLISH, SUBSCRIBE and UNSUBSCRIBE [MQTT-2.2.1-3]; a PUBLISH gets
/// its id when it enters the window, so any number of messages can wait behind it.
/// Thread safety: none.
class flow {
public:
  /// The window: at most Receive Maximum unacknowledged messages [MQTT-3.3.4-7], narrowed by
  /// this side's own `max_inflight` (0: no limit of its own).
  static constexpr std::size_t window_for(std::uint16_t receive_maximum,
                                          std::uint16_t max_inflight) noexcept {
    return max_inflight != 0 && max_inflight < receive_maximum ? max_inflight : receive_maximum;
  }

  // Outbound.
  /// Puts `m` behind the messages already waiting; call fill() to send what fits.
  void enqueue(outbound_message m);
  /// Sends `m` at once with a free packet id when has_room(window), else enqueues it. The same
  /// as enqueue() and fill(), without the queue's round trip on the hot path.
  void send_or_enqueue(outbound_message m, flow_output& out, std::size_t window);
  /// Sends while fewer than `window` messages are out on this connection: first in-flight
  /// messages a reconnect still owes, then waiting ones, each with a free packet id (QoS 0 ones
  /// need no room). A message `out` refuses is forgotten.
  void fill(flow_output& out, std::size_t window);
  /// True when fill() may have something to send: messages wait, or a reconnect owes some.
  bool has_waiting() const noexcept { return !queue_.empty() || owed_ != 0; }
  /// True when a new message may go at once: nothing waits and the window has room.
  bool has_room(std::size_t window) const noexcept {
    return queue_.empty() && owed_ == 0 && room(window);
  }
  /// A byte limit besides the window's count (mosquitto's max_inflight_bytes; 0: none): no
  /// new message goes while the payloads in flight reach it, though one always may when none is.
  void set_max_inflight_bytes(std::size_t bytes) noexcept { max_inflight_bytes_ = bytes; }
  /// After a reconnect: the in-flight messages go again in their order with their ids
  /// [MQTT-4.4.0-1], at most `window` of them now and the rest from fill() as acknowledgements
  /// make room [MQTT-3.3.4-7]. With the session present: PUBLISH with DUP, PUBREL for those
  /// PUBREC'd. Without: the peer forgot them, so PUBLISHes go again as new (at least once beats
  /// a duplicate), PUBREC'd messages are complete, and inbound QoS 2 ids are forgotten.
  void resume(flow_output& out, bool session_present, std::size_t window);
  /// PUBACK: completes a QoS 1 message. True when something completed. Ignored for an id the
  /// window does not hold, or holds awaiting something else.
  bool on_puback(std::uint16_t id, reason_code rc, const codec::properties& props,
                 flow_output& out);
  /// PUBREC: success sends PUBREL and awaits PUBCOMP (again, for a repeated PUBREC); a failure
  /// code completes the message, no PUBREL follows (section 4.3.3); an unknown id gets PUBREL
  /// 0x92 (v5) or 0x00 (3.1.1) so the peer can free its state. True when something completed.
  /// A message still owed since a reconnect that the peer answers counts as out on this
  /// connection from then on, unless `window` is already full: then it stays owed, and its turn
  /// sends PUBREL again.
  bool on_pubrec(std::uint16_t id, reason_code rc, const codec::properties& props,
                 codec::protocol_version v, flow_output& out,
                 std::size_t window = static_cast<std::size_t>(-1));
  /// PUBCOMP: completes a QoS 2 message awaiting it. True when something completed.
  bool on_pubcomp(std::uint16_t id, reason_code rc, const codec::properties& props,
                  flow_output& out);

  /// A packet id for SUBSCRIBE or UNSUBSCRIBE, held until release_request_id().
  std::optional<std::uint16_t> claim_request_id();
  /// SUBACK / UNSUBACK: false for an id not held by a request.
  bool release_request_id(std::uint16_t id) { return requests_.release(id); }

  // Inbound.
  /// An inbound QoS 2 PUBLISH with `id`; `limit` is the Receive Maximum this side announced.
  inbound_qos2 receive_qos2(std::uint16_t id, std::size_t limit);
  /// PUBREL: releases `id`; returns PUBCOMP's reason: 0x00, or 0x92 in v5 for an unknown id
  /// (section 3.7.2.1).
  reason_code release_qos2(std::uint16_t id, codec::protocol_version v);

  // State.
  const outbound_inflight& inflight() const noexcept { return inflight_; }
  const std::list<outbound_message>& queue() const noexcept { return queue_; }
  std::size_t queued() const noexcept { return queue_.size(); }
  /// Payload bytes of the waiting messages.
  std::size_t queued_bytes() const noexcept { return queued_bytes_.value(); }
  /// Room for one more message out: under the window's count and under the byte limit.
  bool room(std::size_t window) const noexcept {
    return out_now() < window &&
           (max_inflight_bytes_ == 0 || inflight_.payload_bytes() < max_inflight_bytes_);
  }
  /// From now on the waiting messages' payload bytes also count in `*total` (a broker's budget
  /// across sessions), until this flow is gone.
  void count_queued_in(std::size_t* total) noexcept { queued_bytes_.share_in(total); }
  std::size_t inbound_pending() const noexcept { return inbound_qos2_.size(); }
  bool awaits_release(std::uint16_t id) const { return inbound_qos2_.count(id) != 0; }
  /// In-flight messages out on this connection: those a reconnect still owes are not.
  std::size_t out_now() const noexcept { return inflight_.size() - owed_; }
  /// Drops the first waiting message (returned), e.g. when a queue limit says so.
  std::optional<outbound_message> pop_queued();

  /// Everything held, as values (messages shared, not copied).
  flow_snapshot store() const;
  /// A flow holding exactly what `s` describes.
  static flow restore(flow_snapshot s);

private:
  std::optional<std::uint16_t> next_publish_id();
  /// Sends owed in-flight messages in order while fewer than `window` are out.
  void pay_owed(flow_output& out, std::size_t window);
  void send_again(outbound_message& e, resend_due how, flow_output& out);
  /// Completes `id` if it awaits `awaiting`.
  bool settle(std::uint16_t id, inflight_state awaiting, reason_code rc,
              const codec::properties& props, flow_output& out);
  bool complete(outbound_inflight::index::iterator at, reason_code rc,
                const codec::properties& props, flow_output& out);

  outbound_inflight inflight_;
  std::list<outbound_message> queue_; // a list: libstdc++'s deque allocates ~600 B even empty
  byte_account queued_bytes_;
  std::size_t max_inflight_bytes_ = 0;
  std::size_t owed_ = 0;                           // in-flight entries with resend != no
  std::unordered_set<std::uint16_t> inbound_qos2_; // PUBREC sent, PUBREL awaited
  packet_id_pool requests_; // SUBSCRIBE/UNSUBSCRIBE ids; PUBLISH ids are inflight_'s keys
};

/// Resolves an inbound PUBLISH's Topic Alias [MQTT-3.3.2-9] [MQTT-3.3.2-10] (section
/// 3.3.2.3.4): a topic with an alias maps it, an empty topic takes the mapped one. The Topic
/// Alias property stays. Error: reason_code::topic_alias_invalid.
std::error_code apply_inbound_alias(topic::inbound_aliases& aliases, codec::publish& p);

} // namespace mqtk::session
