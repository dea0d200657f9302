// SPDX-License-Identifier: MIT
// Topic Name and Topic Filter validation, shared subscription parsing.
#include "mqtk/topic/validate.hpp"

#include "mqtk/core/errc.hpp"

namespace mqtk::topic {
namespace {

constexpr std::string_view share_prefix = "$share/";

// The wildcard rules of a (non-shared) filter: '#' alone and last, '+' alone in its level.
bool wildcards_well_placed(std::string_view filter) noexcept {
  std::size_t start = 0;
  for (;;) {
    const auto end = filter.find('/', start);
    const auto level = filter.substr(start, end == std::string_view::npos ? end : end - start);
    if (level.find('#') != std::string_view::npos) {
      if (level != "#" || end != std::string_view::npos) return false; // [MQTT-4.7.1-2]
    } else if (level.find('+') != std::string_view::npos && level != "+") {
      return false; // [MQTT-4.7.1-3]
    }
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

bool basic_ok(std::string_view s) noexcept {
  return !s.empty() && s.size() <= 0xFFFF && s.find('\0') == std::string_view::npos;
}

} // namespace

std::error_code validate_name(std::string_view name) noexcept {
  if (!basic_ok(name) || name.find_first_of("+#") != std::string_view::npos)
    return errc::topic_name_invalid;
  return {};
}

std::optional<shared_filter> parse_shared(std::string_view filter) noexcept {
  if (!filter.starts_with(share_prefix)) return std::nullopt;
  const auto rest = filter.substr(share_prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto group = rest.substr(0, slash);
  const auto inner = rest.substr(slash + 1);
  // [MQTT-4.8.2-1]: at least one character; [MQTT-4.8.2-2]: no '/', '+' or '#'.
  if (group.empty() || group.find_first_of("+#") != std::string_view::npos || inner.empty())
    return std::nullopt;
  return shared_filter{group, inner};
}

std::error_code validate_filter(std::string_view filter) noexcept {
  if (!basic_ok(filter)) return errc::topic_filter_invalid;
  if (filter.starts_with(share_prefix)) {
    const auto shared = parse_shared(filter);
    if (!shared) return errc::shared_subscription_invalid;
    filter = shared->filter;
  }
  return wildcards_well_placed(filter) ? std::error_code{} : errc::topic_filter_invalid;
}

std::size_t level_count(std::string_view topic) noexcept {
  std::size_t n = 1;
  for (const char c : topic)
    n += c == '/';
  return n;
}

} // namespace mqtk::topic
