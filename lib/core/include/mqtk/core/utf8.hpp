// SPDX-License-Identifier: MIT
// Validation of MQTT UTF-8 Encoded Strings (spec section 1.5.4).
#pragma once

#include <string_view>
#include <system_error>

namespace mqtk::utf8 {

/// Checks the rules every MQTT string must meet: well-formed UTF-8 per RFC 3629, no overlong
/// forms, no surrogates U+D800..U+DFFF [MQTT-1.5.4-1], no U+0000 [MQTT-1.5.4-2]. U+FEFF is kept
/// as it is [MQTT-1.5.4-3]. Returns errc::utf8_ill_formed or errc::utf8_null, or no error.
std::error_code validate(std::string_view s) noexcept;

/// True when `s` is well-formed UTF-8 (U+0000 allowed): the test for a payload whose Payload
/// Format Indicator is 1 (section 3.3.2.3.2).
bool is_well_formed(std::string_view s) noexcept;

} // namespace mqtk::utf8
