// SPDX-License-Identifier: MIT
// Outgoing QoS 1/2 messages awaiting acknowledgement, in send order (spec section 4.3 and 4.4).
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "mqtk/codec/packets.hpp"
#include "mqtk/session/time.hpp"

namespace mqtk::session {

/// Where an outgoing QoS 1/2 message stands.
enum class inflight_state : std::uint8_t {
  awaiting_puback,  ///< QoS 1 PUBLISH sent
  awaiting_pubrec,  ///< QoS 2 PUBLISH sent
  awaiting_pubcomp, ///< QoS 2 PUBREL sent
};

/// Whether an in-flight message still has to go again on this connection: a reconnect resends
/// at most a window's worth [MQTT-3.3.4-7]; the rest follow as acknowledgements make room.
enum class resend_due : std::uint8_t {
  no,
  as_new, ///< the peer forgot the session: PUBLISH without DUP
  dup,    ///< PUBLISH with DUP, or PUBREL once PUBREC'd
};

/// One message on its way to the peer: the shared message plus this peer's own fields. A client
/// sends its message as it is (qos and retain are the message's); a broker forwards one message
/// to many subscribers, each with its own QoS, RETAIN, Subscription Identifiers, expiry and id.
struct outbound_message {
  std::shared_ptr<const codec::publish> message;
  std::vector<std::uint32_t> sub_ids;   ///< v5 Subscription Identifiers [MQTT-3.3.4-3]
  std::optional<time_point> expires_at; ///< from the Message Expiry Interval
  std::uint64_t message_id = 0;         ///< a broker's stable id of `message` (journal); 0 else
  std::uint16_t packet_id = 0;          ///< set when the message enters the window
  std::uint8_t qos = 0;
  bool retain = false;
  inflight_state state = inflight_state::awaiting_puback; ///< meaningful in the window only
  resend_due resend = resend_due::no;                     ///< in the window only

  /// The message as a client publishes it: its own QoS and RETAIN.
  static outbound_message of(std::shared_ptr<const codec::publish> m);
};
using inflight_entry = outbound_message;

/// The outgoing in-flight window of one session. Entries stay in the order they were sent, which
/// is the order they must be resent in on a resumed session [MQTT-4.4.0-1] [MQTT-4.6.0-1]. The
/// index's keys are the packet ids the window holds.
/// Thread safety: none.
class outbound_inflight {
public:
  using index = std::unordered_map<std::uint16_t, std::list<inflight_entry>::iterator>;

  /// Records a PUBLISH just sent with `packet_id` (QoS 1 or 2, from the message).
  void add(std::uint16_t packet_id, std::shared_ptr<const codec::publish> message);
  /// Records `m` (its packet_id and qos set) just sent; it awaits PUBACK or PUBREC.
  void add(outbound_message&& m);
  /// Records `m` in the state it already has (a restored session).
  void restore(outbound_message&& m);
  /// Records the first message of `queue` (its packet_id and qos set, just sent), moving its
  /// node rather than copying it; it awaits PUBACK or PUBREC.
  void add_front_of(std::list<outbound_message>& queue);
  /// The entry for `packet_id`, or nullptr.
  inflight_entry* find(std::uint16_t packet_id) {
    const auto it = by_id_.find(packet_id);
    return it == by_id_.end() ? nullptr : &*it->second;
  }
  const inflight_entry* find(std::uint16_t packet_id) const {
    const auto it = by_id_.find(packet_id);
    return it == by_id_.end() ? nullptr : &*it->second;
  }
  bool contains(std::uint16_t packet_id) const { return by_id_.count(packet_id) != 0; }
  /// PUBREC received for a QoS 2 message: it now awaits PUBCOMP. False if not awaiting PUBREC.
  bool on_pubrec(std::uint16_t packet_id);
  /// Removes and returns the entry (PUBACK, PUBCOMP, or a PUBREC with a failure code).
  std::optional<inflight_entry> remove(std::uint16_t packet_id);
  /// Removes the entry, if there is one, without handing it out (the hot path's remove()).
  void erase(std::uint16_t packet_id);

  std::size_t size() const noexcept { return order_.size(); }
  /// Payload bytes of the messages in flight, summed when asked (only a byte limit asks).
  std::size_t payload_bytes() const noexcept {
    std::size_t n = 0;
    for (const auto& m : order_)
      n += m.message->payload.size();
    return n;
  }
  bool empty() const noexcept { return order_.empty(); }
  /// Entries in send order.
  const std::list<inflight_entry>& entries() const noexcept { return order_; }
  /// The same, to change entries in place (never their ids: the index is by id).
  std::list<inflight_entry>& entries() noexcept { return order_; }
  void clear();

private:
  friend class flow; // settles entries through the index, one lookup per acknowledgement

  std::list<inflight_entry> order_;
  index by_id_;
};

} // namespace mqtk::session
