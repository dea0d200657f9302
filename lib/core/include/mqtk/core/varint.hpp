// SPDX-License-Identifier: MIT
// MQTT Variable Byte Integers (spec section 1.5.5): at most 4 bytes, values up to 268,435,455.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mqtk/core/bytes.hpp"
#include "mqtk/core/errc.hpp"

namespace mqtk::varint {

inline constexpr std::uint32_t max_value = 268'435'455;

/// Bytes needed to encode `value` (1 to 4). `value` must not exceed max_value.
constexpr std::size_t size(std::uint32_t value) noexcept {
  return value < 128 ? 1 : value < 16'384 ? 2 : value < 2'097'152 ? 3 : 4;
}

/// Writes `value` into `out` (at least 4 bytes) and returns the count written.
std::size_t encode(std::uint32_t value, std::uint8_t* out) noexcept;

/// Appends `value` to `out`.
void append(std::uint32_t value, buffer& out);

/// The outcome of decoding: `size` bytes were consumed, or `size` is 0 when more input is needed.
struct decoded {
  std::uint32_t value = 0;
  std::size_t size = 0;
};

/// Decodes from the front of `in`. "Need more" (size 0) is not an error; a fifth continuation byte
/// (errc::varint_too_long) and a non-minimal encoding (errc::varint_not_minimal) are.
result<decoded> decode(byte_view in) noexcept;

} // namespace mqtk::varint
