// SPDX-License-Identifier: MIT
// Counters the broker keeps and publishes under $SYS/broker/.
#pragma once

#include <array>
#include <cstdint>

namespace mqtk::broker {

/// Why a message was not delivered to a client that subscribed to it.
enum class drop_reason : std::uint8_t {
  offline,        ///< QoS 0 for a client that is not connected
  queue_full,     ///< the client's queue was at max_queued_messages or max_queued_bytes
  slow_consumer,  ///< the client took nothing for slow_consumer_timeout and its backlog was full
  expired,        ///< its Message Expiry Interval passed while it waited
  too_large,      ///< over the client's Maximum Packet Size, or message_size_limit
  not_authorized, ///< the access policy refused it (a publish or a will)
  store_failing,  ///< the store could not save what accepting it needed
  session_ended,  ///< still queued when its session ended
  /// A retained message not kept: max_retained_messages or max_retained_bytes was reached (a
  /// v5 QoS 1/2 publish is refused with 0x97; others still reach current subscribers).
  retain_limit,
  /// max_queued_bytes_total was reached and the subscriber was offline or a slow consumer.
  budget_full,
};
inline constexpr std::size_t drop_reason_count = 10;

/// The reason's name in $SYS/broker/publish/messages/dropped/NAME.
constexpr const char* name(drop_reason r) noexcept {
  constexpr std::array<const char*, drop_reason_count> names{
      "offline",        "queue_full",    "slow_consumer", "expired",      "too_large",
      "not_authorized", "store_failing", "session_ended", "retain_limit", "budget_full"};
  return names[static_cast<std::size_t>(r)];
}

struct stats {
  std::uint64_t messages_received = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  /// Every message the broker did not deliver (or, for retain_limit, did not retain).
  std::uint64_t publish_dropped = 0;
  std::array<std::uint64_t, drop_reason_count> dropped{}; ///< publish_dropped by drop_reason
  std::uint64_t slow_consumer_events = 0; ///< subscribers found to be slow consumers
  std::uint64_t connections_total = 0;
  std::uint64_t protocol_errors = 0;
  bool operator==(const stats&) const = default;
};

} // namespace mqtk::broker
