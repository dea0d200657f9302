// SPDX-License-Identifier: MIT
// A bridge's topic rules as subscriptions on each side and names mapped between them.
#include "mqtk/bridge/topic_map.hpp"

#include "mqtk/topic/match.hpp"

namespace mqtk::bridge {

namespace {

bool goes_out(const topic_rule& r) {
  return r.dir != direction::in;
}
bool comes_in(const topic_rule& r) {
  return r.dir != direction::out;
}

// `topic` under `from_prefix` (matched by from_prefix+pattern), renamed under `to_prefix`.
std::optional<std::string> renamed(const std::string& topic, const std::string& pattern,
                                   const std::string& from_prefix, const std::string& to_prefix) {
  if (!topic.starts_with(from_prefix) || !topic::match(from_prefix + pattern, topic))
    return std::nullopt;
  return to_prefix + topic.substr(from_prefix.size());
}

} // namespace

topic_map::topic_map(std::vector<topic_rule> rules) : rules_(std::move(rules)) {}

std::vector<topic_map::subscription> topic_map::local_subscriptions() const {
  std::vector<subscription> out;
  for (const auto& r : rules_)
    if (goes_out(r)) out.push_back({r.local_prefix + r.pattern, r.qos});
  return out;
}

std::vector<topic_map::subscription> topic_map::remote_subscriptions() const {
  std::vector<subscription> out;
  for (const auto& r : rules_)
    if (comes_in(r)) out.push_back({r.remote_prefix + r.pattern, r.qos});
  return out;
}

std::optional<topic_map::mapped> topic_map::to_remote(const std::string& local_topic) const {
  for (const auto& r : rules_)
    if (goes_out(r))
      if (auto t = renamed(local_topic, r.pattern, r.local_prefix, r.remote_prefix))
        return mapped{std::move(*t), r.qos};
  return std::nullopt;
}

std::optional<topic_map::mapped> topic_map::to_local(const std::string& remote_topic) const {
  for (const auto& r : rules_)
    if (comes_in(r))
      if (auto t = renamed(remote_topic, r.pattern, r.remote_prefix, r.local_prefix))
        return mapped{std::move(*t), r.qos};
  return std::nullopt;
}

} // namespace mqtk::bridge
