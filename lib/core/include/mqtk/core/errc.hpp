// SPDX-License-Identifier: MIT
// mqtk::errc: every protocol rule mqtk enforces, as an error code whose message cites the rule.
#pragma once

#include "mqtk/core/reason_code.hpp"

#include <system_error>

namespace mqtk {

/// One value per violated rule, so that a decoder error names what was wrong. reason_for() gives
/// the v5 reason code a peer must send in reaction (Malformed Packet, Protocol Error, ...).
enum class errc {
  // Framing
  truncated = 1,        ///< a field runs past the end of the packet
  trailing_bytes,       ///< bytes left over after the last field
  varint_too_long,      ///< Variable Byte Integer over 4 bytes
  varint_not_minimal,   ///< Variable Byte Integer not in its shortest form [MQTT-1.5.5-1]
  reserved_packet_type, ///< packet type 0, or AUTH (15) in v3.1.1
  reserved_flags,       ///< fixed-header flags differ from Table 2-2 [MQTT-2.2.2-1]
  packet_too_large,     ///< over the receiver's Maximum Packet Size
  // Data types
  utf8_ill_formed, ///< ill-formed UTF-8, overlong or surrogate [MQTT-1.5.4-1]
  utf8_null,       ///< U+0000 in a UTF-8 string [MQTT-1.5.4-2]
  string_too_long, ///< a string or binary field over 65,535 bytes (encoder)
  // Properties
  property_unknown,        ///< an identifier the spec does not define
  property_not_allowed,    ///< a property valid in other packets only (§2.2.2.2)
  property_repeated,       ///< a property that may appear once appears twice
  property_value_invalid,  ///< e.g. Receive Maximum 0, Payload Format Indicator 2
  property_length_invalid, ///< Property Length runs past the packet
  topic_alias_zero,        ///< Topic Alias 0 [MQTT-3.3.2-8]
  // Packet rules
  reason_code_invalid,          ///< a reason code not allowed in this packet (Table 2-6)
  packet_id_zero,               ///< Packet Identifier 0 [MQTT-2.2.1-3]
  qos_invalid,                  ///< QoS 3 [MQTT-3.3.1-4]
  dup_on_qos0,                  ///< DUP set on a QoS 0 PUBLISH [MQTT-3.3.1-2]
  topic_name_wildcard,          ///< '+' or '#' in a Topic Name [MQTT-3.3.2-2]
  topic_name_empty,             ///< empty Topic Name without a Topic Alias [MQTT-4.7.3-1]
  protocol_name_invalid,        ///< CONNECT protocol name is not "MQTT" [MQTT-3.1.2-1]
  protocol_version_unsupported, ///< protocol level is not 4 or 5 [MQTT-3.1.2-2]
  connect_reserved_flag,        ///< CONNECT flags bit 0 set [MQTT-3.1.2-3]
  will_flags_without_will,   ///< Will QoS or Will Retain set without Will Flag [MQTT-3.1.2-11/13]
  will_qos_invalid,          ///< Will QoS 3 [MQTT-3.1.2-12]
  password_without_username, ///< v3.1.1 password flag without user name flag [MQTT-3.1.2-22]
  connack_reserved_flags,    ///< CONNACK acknowledge flags bits 7-1 set [MQTT-3.2.2-1]
  subscribe_empty,           ///< SUBSCRIBE without a topic filter [MQTT-3.8.3-2]
  subscription_options_reserved, ///< reserved bits of Subscription Options set [MQTT-3.8.3-5]
  retain_handling_invalid,       ///< Retain Handling 3 (§3.8.3.1)
  unsubscribe_empty,             ///< UNSUBSCRIBE without a topic filter [MQTT-3.10.3-2]
  suback_empty,                  ///< SUBACK without a reason code (§3.9.3)
  // Encoder refusals
  v5_only_field, ///< a v5-only field or packet encoded as v3.1.1
  // Topics
  topic_filter_invalid, ///< wildcard misplaced [MQTT-4.7.1-2] [MQTT-4.7.1-3], empty, or U+0000
  topic_name_invalid,   ///< Topic Name empty, with wildcard or U+0000 [MQTT-4.7.3-1]
  shared_subscription_invalid, ///< malformed $share/ShareName/filter [MQTT-4.8.2-1] [MQTT-4.8.2-2]
  topic_alias_invalid, ///< alias over the maximum, or unknown [MQTT-3.3.2-9] [MQTT-3.3.2-10]
  // Enhanced authentication (section 4.12)
  auth_exchange_failed, ///< the server's AUTH or CONNACK data did not fit the method's steps
  server_not_proven,    ///< the server could not prove it knows the credentials (SCRAM)
};

/// The error category of mqtk::errc.
const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

/// The v5 reason code that answers a received packet violating `ec`'s rule: Malformed Packet,
/// Protocol Error, Packet too large, ... Unspecified error for codes of other categories.
reason_code reason_for(std::error_code ec) noexcept;

} // namespace mqtk

template <>
struct std::is_error_code_enum<mqtk::errc> : std::true_type {};
