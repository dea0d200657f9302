// SPDX-License-Identifier: MIT
// Variable Byte Integer encoding and strict decoding.
#include "mqtk/core/varint.hpp"

namespace mqtk::varint {

std::size_t encode(std::uint32_t value, std::uint8_t* out) noexcept {
  std::size_t n = 0;
  do {
    auto byte = static_cast<std::uint8_t>(value & 0x7F);
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out[n++] = byte;
  } while (value != 0 && n < 4);
  return n;
}

void append(std::uint32_t value, buffer& out) {
  std::uint8_t tmp[4];
  const auto n = encode(value, tmp);
  out.insert(out.end(), tmp, tmp + n);
}

result<decoded> decode(byte_view in) noexcept {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i >= in.size()) return decoded{};
    const std::uint8_t byte = in[i];
    value |= static_cast<std::uint32_t>(byte & 0x7F) << (7 * i);
    if ((byte & 0x80) == 0) {
      // [MQTT-1.5.5-1]: a trailing 0x00 continuation group means a shorter form existed.
      if (i > 0 && byte == 0) return unexpected(errc::varint_not_minimal);
      return decoded{value, i + 1};
    }
  }
  return unexpected(errc::varint_too_long);
}

} // namespace mqtk::varint
