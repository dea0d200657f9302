// SPDX-License-Identifier: MIT
// A strict UTF-8 validator (RFC 3629 Table 3-7 well-formed byte sequences).
#include "mqtk/core/utf8.hpp"

#include "mqtk/core/errc.hpp"

#include <cstdint>

namespace mqtk::utf8 {
namespace {

enum class scan { ok, ill_formed, has_null };

// Valid sequences per RFC 3629:
//   00..7F | C2..DF 80..BF | E0 A0..BF 80..BF | E1..EC 80..BF 80..BF | ED 80..9F 80..BF
//   | EE..EF 80..BF 80..BF | F0 90..BF 80..BF 80..BF | F1..F3 80..BF x3 | F4 80..8F 80..BF 80..BF
// C0, C1 and E0 80..9F are overlong; ED A0..BF are surrogates; F4 90.. is beyond U+10FFFF.
scan check(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  const auto* end = p + s.size();
  bool null = false;
  while (p < end) {
    const std::uint8_t b = *p;
    if (b < 0x80) {
      null |= b == 0;
      ++p;
      continue;
    }
    std::size_t len;
    std::uint8_t lo = 0x80, hi = 0xBF; // bounds of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return scan::ill_formed;
    }
    if (static_cast<std::size_t>(end - p) < len) return scan::ill_formed;
    if (p[1] < lo || p[1] > hi) return scan::ill_formed;
    for (std::size_t i = 2; i < len; ++i)
      if ((p[i] & 0xC0) != 0x80) return scan::ill_formed;
    p += len;
  }
  return null ? scan::has_null : scan::ok;
}

} // namespace

std::error_code validate(std::string_view s) noexcept {
  switch (check(s)) {
  case scan::ok:
    return {};
  case scan::has_null:
    return errc::utf8_null;
  case scan::ill_formed:
    break;
  }
  return errc::utf8_ill_formed;
}

bool is_well_formed(std::string_view s) noexcept {
  return check(s) != scan::ill_formed;
}

} // namespace mqtk::utf8
