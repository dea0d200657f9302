// SPDX-License-Identifier: MIT
// The open-loop send schedule: message i is due at start + i * interval, whatever happened to
// message i - 1, so a stall shows up as latency (measured from the intended time) instead of
// silently lowering the rate: no coordinated omission.
#pragma once

#include <cstdint>
#include <optional>

namespace mqtk::bench {

class schedule {
public:
  /// `interval_ns` 0: as fast as possible (every message is due at once; nothing is late).
  /// `total`: how many messages (0: no limit). `late_after_ns`: a message sent later than this
  /// after its intended time counts as late.
  schedule(std::uint64_t start_ns, std::uint64_t interval_ns, std::uint64_t total,
           std::uint64_t late_after_ns = 1'000'000);

  /// The next message due by `now_ns` (its sequence number), or nullopt when none is due yet
  /// or all were taken. Taking a message records whether it is late.
  std::optional<std::uint64_t> take(std::uint64_t now_ns) noexcept;
  /// When message `sequence` is due.
  std::uint64_t intended(std::uint64_t sequence) const noexcept;
  /// When the next message is due (for a timer), nullopt when all were taken.
  std::optional<std::uint64_t> next_due() const noexcept;

  std::uint64_t taken() const noexcept { return next_; }
  std::uint64_t late() const noexcept { return late_; }
  bool done() const noexcept { return total_ != 0 && next_ >= total_; }

private:
  std::uint64_t start_, interval_, total_, late_after_;
  std::uint64_t next_ = 0;
  std::uint64_t late_ = 0;
};

} // namespace mqtk::bench
