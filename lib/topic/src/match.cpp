// SPDX-License-Identifier: MIT
// Level-by-level matching of one filter against one topic name.
#include "mqtk/topic/match.hpp"

namespace mqtk::topic {
namespace {

// Splits off the level at the front of `s`; `s` becomes the rest, or is reset when none is left.
std::string_view next_level(std::string_view& s, bool& more) noexcept {
  const auto slash = s.find('/');
  if (slash == std::string_view::npos) {
    more = false;
    return s;
  }
  const auto level = s.substr(0, slash);
  s.remove_prefix(slash + 1);
  return level;
}

} // namespace

bool match(std::string_view filter, std::string_view name) noexcept {
  if (!filter.empty() && (filter[0] == '+' || filter[0] == '#') && !name.empty() && name[0] == '$')
    return false; // [MQTT-4.7.2-1]
  bool filter_more = true;
  bool name_more = true;
  for (;;) {
    const auto f = next_level(filter, filter_more);
    if (f == "#") return true; // matches this level, all below, and the parent [MQTT-4.7.1-2]
    if (!name_more) return false;
    const auto n = next_level(name, name_more);
    if (f != "+" && f != n) return false;
    if (!filter_more) return !name_more;
    if (!name_more) return filter == "#"; // "a/#" matches "a"
  }
}

} // namespace mqtk::topic
