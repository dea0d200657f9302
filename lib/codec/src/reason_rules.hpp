// SPDX-License-Identifier: MIT
// Internal: which reason codes each packet may carry (spec Table 2-6), and 3.1.1 return codes.
#pragma once

#include <cstdint>
#include <optional>

#include "mqtk/codec/packet_type.hpp"
#include "mqtk/core/reason_code.hpp"

namespace mqtk::codec::detail {

/// Whether a v5 `type` packet may carry `rc`.
bool reason_allowed(packet_type type, reason_code rc) noexcept;

/// The 3.1.1 CONNACK return code for a v5 code, if 3.1.1 has one (section 3.2.2.3 of 3.1.1).
std::optional<std::uint8_t> v311_connack_code(reason_code rc) noexcept;
/// The v5 code a 3.1.1 CONNACK return code stands for; nullopt for reserved values.
std::optional<reason_code> from_v311_connack(std::uint8_t code) noexcept;

/// 3.1.1 SUBACK return codes are 0x00, 0x01, 0x02 and 0x80 [MQTT-3.9.3-2].
constexpr bool v311_suback_code(reason_code rc) noexcept {
  const auto v = static_cast<std::uint8_t>(rc);
  return v <= 2 || v == 0x80;
}

} // namespace mqtk::codec::detail
