// SPDX-License-Identifier: MIT
// Outgoing QoS 1/2 messages awaiting acknowledgement, in send order (spec section 4.3 and 4.4).
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <unordered_map>

#include "mqtk/codec/packets.hpp"

namespace mqtk::session {

/// Where an outgoing QoS 1/2 message stands.
enum class inflight_state : std::uint8_t {
  awaiting_puback,  ///< QoS 1 PUBLISH sent
  awaiting_pubrec,  ///< QoS 2 PUBLISH sent
  awaiting_pubcomp, ///< QoS 2 PUBREL sent
};

struct inflight_entry {
  std::uint16_t packet_id;
  inflight_state state;
  std::shared_ptr<const codec::publish> message; ///< kept until acknowledged, for resend
};

/// The outgoing in-flight window of one session. Entries stay in the order they were sent, which
/// is the order they must be resent in on a resumed session [MQTT-4.4.0-1] [MQTT-4.6.0-1].
/// Thread safety: none.
class outbound_inflight {
public:
  /// Records a PUBLISH just sent with `packet_id` (QoS 1 or 2).
  void add(std::uint16_t packet_id, std::shared_ptr<const codec::publish> message);
  /// The entry for `packet_id`, or nullptr.
  inflight_entry* find(std::uint16_t packet_id);
  /// PUBREC received for a QoS 2 message: it now awaits PUBCOMP. False if not awaiting PUBREC.
  bool on_pubrec(std::uint16_t packet_id);
  /// Removes and returns the entry (PUBACK, PUBCOMP, or a PUBREC with a failure code).
  std::optional<inflight_entry> remove(std::uint16_t packet_id);

  std::size_t size() const noexcept { return order_.size(); }
  bool empty() const noexcept { return order_.empty(); }
  /// Entries in send order.
  const std::list<inflight_entry>& entries() const noexcept { return order_; }
  void clear();

private:
  std::list<inflight_entry> order_;
  std::unordered_map<std::uint16_t, std::list<inflight_entry>::iterator> by_id_;
};

} // namespace mqtk::session
