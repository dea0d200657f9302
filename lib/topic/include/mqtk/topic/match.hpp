// SPDX-License-Identifier: MIT
// Matching one Topic Filter against one Topic Name (spec section 4.7).
#pragma once

#include <string_view>

namespace mqtk::topic {

/// True when `filter` matches `name`. '+' matches one whole level, '#' the parent and every level
/// below it ("a/#" matches "a" and "a/b/c"). A filter starting with a wildcard does not match a
/// name starting with '$' [MQTT-4.7.2-1]: "#" does not match "$SYS/x", "$SYS/#" does.
/// Both arguments must be valid; shared filters are matched by their inner filter.
bool match(std::string_view filter, std::string_view name) noexcept;

} // namespace mqtk::topic
