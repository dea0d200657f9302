// SPDX-License-Identifier: MIT
// One struct per MQTT control packet, for both 3.1.1 and 5.0, and the `packet` variant of all 15.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mqtk/codec/packet_type.hpp"
#include "mqtk/codec/properties.hpp"
#include "mqtk/codec/protocol_version.hpp"
#include "mqtk/core/reason_code.hpp"

namespace mqtk::codec {

/// The Will Message of a CONNECT (section 3.1.3.2).
struct will_message {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  properties props; ///< Will Properties (v5)
  bool operator==(const will_message&) const = default;
};

struct connect {
  protocol_version version = protocol_version::v5;
  bool clean_start = true; ///< Clean Session in 3.1.1
  /// The client is a bridge (mosquitto's try_private): the top bit of the protocol level, which
  /// brokers that know it answer by not sending the bridge its own messages back.
  bool bridge = false;
  std::uint16_t keep_alive = 60;
  std::string client_id;
  std::optional<will_message> will;
  std::optional<std::string> username;
  std::optional<std::string> password; ///< binary data
  properties props;
  bool operator==(const connect&) const = default;
};

/// In 3.1.1 `code` holds the return code's v5 equivalent: 0x01 is 0x84, 0x02 is 0x85, 0x03 is
/// 0x88, 0x04 is 0x86 and 0x05 is 0x87.
struct connack {
  bool session_present = false;
  reason_code code = reason_code::success;
  properties props;
  bool operator==(const connack&) const = default;
};

struct publish {
  std::string topic;
  std::string payload;
  std::uint16_t packet_id = 0; ///< 0 and absent for QoS 0 [MQTT-2.2.1-2]
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  properties props;
  bool operator==(const publish&) const = default;
};

/// PUBACK, PUBREC, PUBREL and PUBCOMP share one shape (sections 3.4 to 3.7).
template <packet_type Type>
struct basic_ack {
  static constexpr packet_type type = Type;
  std::uint16_t packet_id = 0;
  reason_code code = reason_code::success;
  properties props;
  bool operator==(const basic_ack&) const = default;
};
using puback = basic_ack<packet_type::puback>;
using pubrec = basic_ack<packet_type::pubrec>;
using pubrel = basic_ack<packet_type::pubrel>;
using pubcomp = basic_ack<packet_type::pubcomp>;

/// Subscription Options (section 3.8.3.1); 3.1.1 carries the QoS only.
struct subscribe_options {
  std::uint8_t qos = 0;
  bool no_local = false;
  bool retain_as_published = false;
  std::uint8_t retain_handling = 0; ///< 0 send on subscribe, 1 only if new, 2 never
  bool operator==(const subscribe_options&) const = default;
};

struct subscription {
  std::string filter;
  subscribe_options options;
  bool operator==(const subscription&) const = default;
};

struct subscribe {
  std::uint16_t packet_id = 0;
  std::vector<subscription> topics;
  properties props;
  bool operator==(const subscribe&) const = default;
};

/// In 3.1.1 the codes are 0x00, 0x01, 0x02 and 0x80 only [MQTT-3.9.3-2].
struct suback {
  std::uint16_t packet_id = 0;
  std::vector<reason_code> codes;
  properties props;
  bool operator==(const suback&) const = default;
};

struct unsubscribe {
  std::uint16_t packet_id = 0;
  std::vector<std::string> filters;
  properties props;
  bool operator==(const unsubscribe&) const = default;
};

/// In 3.1.1 UNSUBACK has no reason codes and `codes` stays empty.
struct unsuback {
  std::uint16_t packet_id = 0;
  std::vector<reason_code> codes;
  properties props;
  bool operator==(const unsuback&) const = default;
};

struct pingreq {
  bool operator==(const pingreq&) const = default;
};
struct pingresp {
  bool operator==(const pingresp&) const = default;
};

struct disconnect {
  reason_code code = reason_code::success; ///< Normal disconnection
  properties props;
  bool operator==(const disconnect&) const = default;
};

/// v5 only.
struct auth {
  reason_code code = reason_code::success;
  properties props;
  bool operator==(const auth&) const = default;
};

/// Any control packet. The index of each alternative is its packet type minus one.
using packet = std::variant<connect, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe,
                            suback, unsubscribe, unsuback, pingreq, pingresp, disconnect, auth>;

constexpr packet_type type_of(const packet& p) noexcept {
  return static_cast<packet_type>(p.index() + 1);
}

} // namespace mqtk::codec
