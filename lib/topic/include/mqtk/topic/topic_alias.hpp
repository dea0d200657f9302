// SPDX-License-Identifier: MIT
// Topic Alias tables (spec section 3.3.2.3.4): one per direction of a v5 connection.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mqtk/core/result.hpp"

namespace mqtk::topic {

/// Aliases the peer sets; the receiver resolves them. Thread safety: none.
class inbound_aliases {
public:
  /// `maximum` is the Topic Alias Maximum this side announced (0: aliases not accepted).
  explicit inbound_aliases(std::uint16_t maximum = 0) : maximum_(maximum) {}

  /// Applies a PUBLISH's alias: a non-empty `topic` (re)maps `alias`, an empty one looks it up.
  /// Returns the topic to deliver under. Errors (errc::topic_alias_invalid): alias 0 or over the
  /// maximum [MQTT-3.3.2-9] [MQTT-3.3.2-10], or empty topic with an unmapped alias.
  result<std::string_view> resolve(std::uint16_t alias, std::string_view topic);
  std::uint16_t maximum() const noexcept { return maximum_; }

private:
  std::uint16_t maximum_;
  std::vector<std::string> slots_; // allocated on first use: most connections never alias
};

/// Aliases this side chooses for the topics it sends, least recently used replaced first.
/// Thread safety: none.
class outbound_aliases {
public:
  /// `maximum` is the peer's Topic Alias Maximum.
  explicit outbound_aliases(std::uint16_t maximum = 0) : maximum_(maximum) {}

  struct choice {
    std::uint16_t alias = 0; ///< 0: send without an alias
    bool send_topic = true;  ///< false: the alias is known to the peer, send an empty topic
  };
  /// The alias to use for `topic`; the table learns it (the caller must then send it).
  choice assign(std::string_view topic);
  /// What assign() would answer, without learning anything: for a PUBLISH that may yet not be
  /// sent (too large for the peer), whose alias the peer would then never have heard.
  choice peek(std::string_view topic) const;

private:
  struct entry {
    std::string topic;
    std::uint16_t alias;
  };
  std::uint16_t maximum_;
  std::list<entry> lru_; // most recent first
  std::unordered_map<std::string_view, std::list<entry>::iterator> by_topic_;
};

} // namespace mqtk::topic
