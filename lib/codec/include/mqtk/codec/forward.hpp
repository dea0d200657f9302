// SPDX-License-Identifier: MIT
// Encoding a received PUBLISH again for one subscriber, with that subscriber's fields, without
// copying the message: the broker's fan-out path.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "mqtk/codec/packets.hpp"
#include "mqtk/core/bytes.hpp"
#include "mqtk/core/result.hpp"

namespace mqtk::codec {

/// What differs per subscriber when a broker forwards a message (section 3.3.4).
struct forward_fields {
  std::uint16_t packet_id = 0; ///< for QoS 1/2
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  std::span<const std::uint32_t> subscription_ids; ///< v5 [MQTT-3.3.4-3]
  std::optional<std::uint32_t> message_expiry;     ///< remaining seconds, replaces the message's
  /// Leading bytes of the topic left out (a listener's mount_point, which this subscriber's
  /// topics do not show); at most the topic's length.
  std::size_t topic_skip = 0;
  /// v5: the Topic Alias this PUBLISH carries (0: none; never 0 on the wire [MQTT-3.3.2-8]),
  /// and whether the peer already has it, so that the topic goes empty.
  std::uint16_t topic_alias = 0;
  bool alias_known = false;
};

/// The size encode_forward() would append.
result<std::size_t> forward_size(const publish& message, const forward_fields& f,
                                 protocol_version v);
/// Appends `message` as forwarded with `f`: its own topic, payload and properties (which must not
/// hold a Topic Alias or Subscription Identifiers), with f's flags, id and per-subscriber
/// properties. In 3.1.1 the properties are left out.
result<void> encode_forward(const publish& message, const forward_fields& f, protocol_version v,
                            buffer& out);
/// The same without the payload: the fixed header (whose Remaining Length counts the payload),
/// topic, packet id and properties. The caller sends `message.payload` right after, so that one
/// payload can serve every subscriber.
result<void> encode_forward_head(const publish& message, const forward_fields& f,
                                 protocol_version v, buffer& out);

} // namespace mqtk::codec
