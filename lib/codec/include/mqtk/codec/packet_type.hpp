// SPDX-License-Identifier: MIT
// MQTT control packet types (fixed header bits 7-4) and their reserved flag values.
#pragma once

#include <cstdint>
#include <string_view>

namespace mqtk::codec {

enum class packet_type : std::uint8_t {
  connect = 1,
  connack = 2,
  publish = 3,
  puback = 4,
  pubrec = 5,
  pubrel = 6,
  pubcomp = 7,
  subscribe = 8,
  suback = 9,
  unsubscribe = 10,
  unsuback = 11,
  pingreq = 12,
  pingresp = 13,
  disconnect = 14,
  auth = 15,
};

/// "CONNECT", "PUBLISH", ...; "RESERVED" for 0.
std::string_view to_string(packet_type t) noexcept;

/// The flags bits 3-0 must hold for every type but PUBLISH (Table 2-2): 0b0010 for PUBREL,
/// SUBSCRIBE and UNSUBSCRIBE, 0 otherwise [MQTT-2.2.2-1] [MQTT-2.1.3-1].
constexpr std::uint8_t required_flags(packet_type t) noexcept {
  return (t == packet_type::pubrel || t == packet_type::subscribe || t == packet_type::unsubscribe)
             ? 0x02
             : 0x00;
}

} // namespace mqtk::codec
