// SPDX-License-Identifier: MIT
// The protocol versions mqtk speaks, by their CONNECT protocol level.
#pragma once

#include <cstdint>
#include <string_view>

namespace mqtk::codec {

/// The value is the protocol level byte of CONNECT: 3.1.1 is level 4, 5.0 is level 5.
enum class protocol_version : std::uint8_t { v311 = 4, v5 = 5 };

constexpr std::string_view to_string(protocol_version v) noexcept {
  return v == protocol_version::v5 ? "5.0" : "3.1.1";
}

} // namespace mqtk::codec
