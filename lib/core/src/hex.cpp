// SPDX-License-Identifier: MIT
// Hex encoding and the commented-hex parser used by tests, traces and the demo.
#include "mqtk/core/bytes.hpp"

#include "mqtk/core/errc.hpp"

namespace mqtk {

std::string to_hex(byte_view bytes, char sep) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0 && sep != '\0') out.push_back(sep);
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0x0F]);
  }
  return out;
}

namespace {
int nibble(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
} // namespace

result<buffer> from_hex(std::string_view text) {
  buffer out;
  int high = -1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n')
        ++i;
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ',') continue;
    const int n = nibble(c);
    if (n < 0) return unexpected(std::make_error_code(std::errc::invalid_argument));
    if (high < 0) {
      high = n;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | n));
      high = -1;
    }
  }
  if (high >= 0) return unexpected(std::make_error_code(std::errc::invalid_argument));
  return out;
}

} // namespace mqtk
