// SPDX-License-Identifier: MIT
// Inbound alias resolution and outbound alias assignment with LRU replacement.
#include "mqtk/topic/topic_alias.hpp"

#include "mqtk/core/errc.hpp"

namespace mqtk::topic {

result<std::string_view> inbound_aliases::resolve(std::uint16_t alias, std::string_view topic) {
  if (alias == 0 || alias > maximum_) return unexpected(errc::topic_alias_invalid);
  if (slots_.size() < alias) slots_.resize(alias);
  auto& slot = slots_[alias - 1u];
  if (!topic.empty()) {
    slot.assign(topic);
  } else if (slot.empty()) {
    return unexpected(errc::topic_alias_invalid);
  }
  return std::string_view(slot);
}

outbound_aliases::choice outbound_aliases::peek(std::string_view topic) const {
  if (maximum_ == 0) return {};
  if (const auto it = by_topic_.find(topic); it != by_topic_.end())
    return {it->second->alias, false};
  if (lru_.size() < maximum_) return {static_cast<std::uint16_t>(lru_.size() + 1), true};
  return {lru_.back().alias, true};
}

outbound_aliases::choice outbound_aliases::assign(std::string_view topic) {
  if (maximum_ == 0) return {};
  if (const auto it = by_topic_.find(topic); it != by_topic_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return {it->second->alias, false};
  }
  if (lru_.size() < maximum_) {
    lru_.push_front({std::string(topic), static_cast<std::uint16_t>(lru_.size() + 1)});
  } else {
    by_topic_.erase(lru_.back().topic);
    lru_.splice(lru_.begin(), lru_, std::prev(lru_.end()));
    lru_.front().topic.assign(topic);
  }
  by_topic_.emplace(lru_.front().topic, lru_.begin());
  return {lru_.front().alias, true};
}

} // namespace mqtk::topic
