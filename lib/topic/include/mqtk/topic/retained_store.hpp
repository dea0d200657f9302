// SPDX-License-Identifier: MIT
// Retained messages by Topic Name, found by Topic Filter for a new subscription (section 3.3.1.3).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "mqtk/codec/packets.hpp"

namespace mqtk::topic {

/// Holds the last retained PUBLISH of each topic, shared (it is never copied per subscriber).
/// Thread safety: none.
class retained_store {
public:
  using message = std::shared_ptr<const codec::publish>;
  /// A retained message with what the broker keeps beside it.
  struct entry {
    message msg;
    /// From its Message Expiry Interval; the store keeps it, the broker decides what expiry means.
    std::optional<std::chrono::steady_clock::time_point> expires_at;
    std::uint64_t id = 0; ///< the broker's stable message id (journal)
  };

  retained_store();
  ~retained_store();
  retained_store(retained_store&&) noexcept;
  retained_store& operator=(retained_store&&) noexcept;

  /// Stores `msg` under its topic, replacing the previous one; an empty payload removes the
  /// topic's retained message instead [MQTT-3.3.1-6] [MQTT-3.3.1-7] (v3.1.1 [MQTT-3.3.1-10]).
  void set(message msg) { set(entry{std::move(msg), std::nullopt, 0}); }
  /// The same, keeping the entry's expiry and id.
  void set(entry e);
  /// Every retained message whose topic `filter` matches, appended to `out` [MQTT-3.3.1-9].
  void find(std::string_view filter, std::vector<message>& out) const;
  /// The same, as entries.
  void find(std::string_view filter, std::vector<entry>& out) const;
  std::size_t size() const noexcept { return size_; }

  struct node;

private:
  std::unique_ptr<node> root_;
  std::size_t size_ = 0;
};

} // namespace mqtk::topic
