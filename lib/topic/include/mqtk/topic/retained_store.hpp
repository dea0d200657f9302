// SPDX-License-Identifier: MIT
// Retained messages by Topic Name, found by Topic Filter for a new subscription (section 3.3.1.3).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/codec/packets.hpp"

namespace mqtk::topic {

/// Holds the last retained PUBLISH of each topic. Design: a broker may hold millions, so a small
/// message without properties keeps only its payload, QoS and the tree's path as its topic, and
/// is rebuilt when a subscription asks for it; a larger one, or one with properties, is kept as
/// published and shared with every delivery (a copy per subscriber would cost more than the
/// compact form saves). Thread safety: none.
class retained_store {
public:
  using message = std::shared_ptr<const codec::publish>;
  using time_point = std::chrono::steady_clock::time_point;
  /// A retained message with what the broker keeps beside it.
  struct entry {
    message msg;
    /// From its Message Expiry Interval; the store keeps it, the broker decides what expiry means.
    std::optional<time_point> expires_at;
    std::uint64_t id = 0; ///< the broker's stable message id (journal)
  };
  /// Payloads up to this size, without properties, are stored compactly.
  static constexpr std::size_t compact_payload = 256;

  retained_store();
  ~retained_store();
  retained_store(retained_store&&) noexcept;
  retained_store& operator=(retained_store&&) noexcept;

  /// Stores `msg` under its topic, replacing the previous one; an empty payload removes the
  /// topic's retained message instead [MQTT-3.3.1-6] [MQTT-3.3.1-7] (v3.1.1 [MQTT-3.3.1-10]).
  void set(message msg) { set(entry{std::move(msg), std::nullopt, 0}); }
  /// The same, keeping the entry's expiry and id.
  void set(entry e);
  /// The topics of every retained message `filter` matches, appended to `out` [MQTT-3.3.1-9].
  void find_topics(std::string_view filter, std::vector<std::string>& out) const;
  /// The retained message of `topic`, if there is one.
  std::optional<entry> get(std::string_view topic) const;
  /// Every retained message `filter` matches, appended to `out`.
  void find(std::string_view filter, std::vector<message>& out) const;

  std::size_t size() const noexcept { return size_; }
  /// Topic and payload bytes of every retained message: what max_retained_bytes counts.
  std::size_t bytes() const noexcept { return bytes_; }
  /// The store's size() and bytes() once `msg` were set.
  std::pair<std::size_t, std::size_t> after(const codec::publish& msg) const;

  struct node;

private:
  const node* locate(std::string_view topic) const;

  std::unique_ptr<node> root_;
  std::size_t size_ = 0;
  std::size_t bytes_ = 0;
};

} // namespace mqtk::topic
