// SPDX-License-Identifier: MIT
// The open-loop schedule.
#include "mqtk/bench/schedule.hpp"

namespace mqtk::bench {

schedule::schedule(std::uint64_t start_ns, std::uint64_t interval_ns, std::uint64_t total,
                   std::uint64_t late_after_ns)
    : start_(start_ns), interval_(interval_ns), total_(total), late_after_(late_after_ns) {}

std::uint64_t schedule::intended(std::uint64_t sequence) const noexcept {
  return start_ + sequence * interval_;
}

std::optional<std::uint64_t> schedule::next_due() const noexcept {
  if (done()) return std::nullopt;
  return intended(next_);
}

std::optional<std::uint64_t> schedule::take(std::uint64_t now_ns) noexcept {
  if (done()) return std::nullopt;
  const auto due = intended(next_);
  if (due > now_ns) return std::nullopt;
  // Catching up after a stall sends a burst; each message of it is counted as late rather
  // than the schedule being moved to hide the stall.
  if (interval_ != 0 && now_ns - due > late_after_) ++late_;
  return next_++;
}

} // namespace mqtk::bench
