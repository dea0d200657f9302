// SPDX-License-Identifier: MIT
// Byte buffers and views shared by every layer, and hex helpers for tests, traces and demos.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/core/result.hpp"

namespace mqtk {

/// An owned, growable byte buffer; encoders append to one.
using buffer = std::vector<std::uint8_t>;
/// A read-only view of bytes.
using byte_view = std::span<const std::uint8_t>;

/// Views the bytes of a string (MQTT payloads and binary data are held in std::string).
inline byte_view as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/// Lower-case hex, bytes separated by `sep` when it is not '\0'.
std::string to_hex(byte_view bytes, char sep = ' ');

/// Parses hex; spaces, newlines and `#`-comments to the end of a line are ignored, so that test
/// vectors can be written one commented field per line.
result<buffer> from_hex(std::string_view text);

} // namespace mqtk
