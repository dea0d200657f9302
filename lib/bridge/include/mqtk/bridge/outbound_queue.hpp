// SPDX-License-Identifier: MIT
// What a bridge owes the other broker: messages waiting for the link, and those sent and not yet
// acknowledged, which go back to the front, in their order, when the link is lost.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>

#include "mqtk/codec/packets.hpp"

namespace mqtk::bridge {

/// Thread safety: none (the bridge's thread).
class outbound_queue {
public:
  explicit outbound_queue(std::size_t limit) : limit_(limit) {}

  /// Queues `m`; false when `limit` messages are already held (waiting or in flight): the caller
  /// counts it as dropped.
  bool push(codec::publish m);
  /// The next message to send, taken from the queue; nullopt when none waits.
  std::optional<codec::publish> take();
  /// A taken QoS 1/2 message went out under `id`: held until done(id).
  void in_flight(std::uint16_t id, codec::publish m);
  /// The other broker acknowledged `id`; false for an id not in flight.
  bool done(std::uint16_t id);
  /// The link is lost: what was in flight waits again, first, in the order it was sent (it will
  /// be sent anew, under new packet ids: at least once).
  void requeue();

  std::size_t waiting() const noexcept { return waiting_.size(); }
  std::size_t unacknowledged() const noexcept { return flight_.size(); }
  std::size_t size() const noexcept { return waiting_.size() + flight_.size(); }

private:
  struct sent {
    std::uint64_t order;
    codec::publish message;
  };
  std::size_t limit_;
  std::deque<codec::publish> waiting_;
  std::map<std::uint16_t, sent> flight_;
  std::uint64_t next_order_ = 0;
};

} // namespace mqtk::bridge
