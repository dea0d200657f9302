// SPDX-License-Identifier: MIT
// Topic Name and Topic Filter rules (spec section 4.7) and shared subscriptions (section 4.8.2).
#pragma once

#include <optional>
#include <string_view>
#include <system_error>

namespace mqtk::topic {

/// A Topic Name for PUBLISH: at least one character [MQTT-4.7.3-1], no wildcard [MQTT-4.7.1-1]
/// [MQTT-3.3.2-2], no U+0000 [MQTT-4.7.3-2], at most 65,535 bytes [MQTT-4.7.3-3].
/// Returns errc::topic_name_invalid or no error. UTF-8 well-formedness is the codec's check.
std::error_code validate_name(std::string_view name) noexcept;

/// A Topic Filter, shared or not. The wildcard rules, with examples:
///   valid:   "#", "a/#", "+", "+/+", "a/+/c", "/+", "+/", "$SYS/#", "$share/g/a/+"
///   invalid: "a#" and "a/#/b" ('#' must be a whole level and the last one) [MQTT-4.7.1-2],
///            "a+" and "a/b+/c" ('+' must be a whole level) [MQTT-4.7.1-3],
///            "" [MQTT-4.7.3-1], "$share/g" and "$share//a" and "$share/g+/a" [MQTT-4.8.2-1]
///            [MQTT-4.8.2-2].
/// Returns errc::topic_filter_invalid, errc::shared_subscription_invalid or no error.
std::error_code validate_filter(std::string_view filter) noexcept;

/// A parsed `$share/{ShareName}/{filter}`.
struct shared_filter {
  std::string_view group;
  std::string_view filter;
};

/// Splits a shared subscription; nullopt when `filter` does not start with "$share/" or is not a
/// valid shared form.
std::optional<shared_filter> parse_shared(std::string_view filter) noexcept;

/// Number of levels of a topic or filter ("a/b" has 2, "" has 1, "/" has 2).
std::size_t level_count(std::string_view topic) noexcept;

} // namespace mqtk::topic
