// SPDX-License-Identifier: MIT
// A bridge's topic rules as subscriptions on each side and names mapped between them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mqtk/bridge/bridge_config.hpp"

namespace mqtk::bridge {

/// Design: a rule with an empty pattern maps one topic, named by its prefixes (mosquitto's
/// `topic "" out 0 local/name remote/name`); otherwise the prefixes are put before the pattern
/// on each side. A message is mapped by the first rule whose filter matches it on the side it
/// came from, so overlapping rules cannot send it twice.
class topic_map {
public:
  explicit topic_map(std::vector<topic_rule> rules);

  struct subscription {
    std::string filter;
    std::uint8_t qos;
  };
  /// What to subscribe to in the local broker (out, both) and at the other one (in, both).
  std::vector<subscription> local_subscriptions() const;
  std::vector<subscription> remote_subscriptions() const;

  struct mapped {
    std::string topic;
    std::uint8_t qos; ///< the rule's QoS: the most the message keeps on the way
  };
  /// A local message's name at the other broker; nullopt when no out/both rule takes it.
  std::optional<mapped> to_remote(const std::string& local_topic) const;
  /// A message from the other broker under its local name; nullopt when no in/both rule takes it.
  std::optional<mapped> to_local(const std::string& remote_topic) const;

private:
  std::vector<topic_rule> rules_;
};

} // namespace mqtk::bridge
