// SPDX-License-Identifier: MIT
// Finding a member's text by scanning, not parsing: the input was parsed already, so only
// strings (whose brackets and commas do not count) and nesting need tracking.
#include "raw_member.hpp"

namespace mqtk::jsonl {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void skip_space(std::string_view s, std::size_t& i) {
  while (i < s.size() && is_space(s[i]))
    ++i;
}

// `i` on an opening quote; leaves it after the closing one.
void skip_string(std::string_view s, std::size_t& i) {
  for (++i; i < s.size() && s[i] != '"'; ++i)
    if (s[i] == '\\') ++i;
  ++i;
}

// `i` on the first character of a value; leaves it just after the value.
void skip_value(std::string_view s, std::size_t& i) {
  int depth = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') {
      skip_string(s, i);
    } else if (c == '{' || c == '[') {
      ++depth, ++i;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return; // the end of the enclosing object
      --depth, ++i;
    } else if (depth == 0 && (c == ',' || is_space(c))) {
      return;
    } else {
      ++i;
    }
    if (depth == 0 && (c == '"' || c == '}' || c == ']')) return;
  }
}

} // namespace

std::optional<std::string_view> raw_member(std::string_view s, std::string_view key) {
  std::size_t i = 0;
  skip_space(s, i);
  if (i >= s.size() || s[i] != '{') return std::nullopt;
  ++i;
  std::optional<std::string_view> found;
  while (true) {
    skip_space(s, i);
    if (i >= s.size() || s[i] != '"') return found; // '}' of an empty object, or the end
    const std::size_t name_begin = i + 1;
    skip_string(s, i);
    // Keys are compared as written: the lines we read spell "payload" without escapes.
    const bool wanted = s.substr(name_begin, i - 1 - name_begin) == key;
    skip_space(s, i);
    ++i; // ':'
    skip_space(s, i);
    const std::size_t value_begin = i;
    skip_value(s, i);
    if (wanted) found = s.substr(value_begin, i - value_begin);
    skip_space(s, i);
    if (i >= s.size() || s[i] != ',') return found;
    ++i;
  }
}

} // namespace mqtk::jsonl
