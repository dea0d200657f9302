// SPDX-License-Identifier: MIT
// Small helpers for the line-oriented files mqtk reads (options, password and ACL files).
#pragma once

#include <string_view>

namespace mqtk {

/// `s` without leading spaces and tabs, nor trailing spaces, tabs and a CR (CRLF files).
inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

} // namespace mqtk
