// SPDX-License-Identifier: MIT
// Time as the bench drivers keep it: steady-clock nanoseconds, and a once-a-second tick on an
// absolute schedule (t0 + 1 s, t0 + 2 s, ...) so the live lines do not drift.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include <asio/steady_timer.hpp>

namespace mqtk::app::bench {

inline std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

/// Wall-clock nanoseconds at steady-clock zero, read once per process. Stamps and a saved run's
/// times are steady time plus this: within a process time never jumps, and instances on
/// machines whose clocks agree (NTP, PTP) measure latency and align their seconds on one clock.
inline std::uint64_t wall_offset_ns() {
  static const std::uint64_t offset = [] {
    const auto wall = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
    return static_cast<std::uint64_t>(wall) - now_ns();
  }();
  return offset;
}

inline std::uint64_t wall_of(std::uint64_t steady_ns) {
  return steady_ns + wall_offset_ns();
}

inline std::chrono::steady_clock::time_point at_ns(std::uint64_t ns) {
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(ns));
}

inline std::chrono::nanoseconds seconds_of(double s) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(s));
}

/// Calls `each` once a second after `t0_ns` until the timer is cancelled; `seconds` counts the
/// ticks so far.
inline void tick_every_second(asio::steady_timer& timer, std::uint64_t t0_ns,
                              std::uint64_t& seconds, std::function<void()> each) {
  timer.expires_at(at_ns(t0_ns + (seconds + 1) * 1'000'000'000));
  timer.async_wait([&timer, t0_ns, &seconds, each = std::move(each)](std::error_code ec) {
    if (ec) return;
    ++seconds;
    each();
    tick_every_second(timer, t0_ns, seconds, each);
  });
}

} // namespace mqtk::app::bench
