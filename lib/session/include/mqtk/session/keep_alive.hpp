// SPDX-License-Identifier: MIT
// Keep-alive policy (spec section 3.1.2.10): when a client pings, when either side gives up.
#pragma once

#include <optional>

#include "mqtk/session/time.hpp"

namespace mqtk::session {

/// The client's side: send PINGREQ when nothing was sent for a keep-alive period
/// [MQTT-3.1.2-20] (v5) [MQTT-3.1.2-23] (3.1.1), and give up when the PINGRESP does not come
/// within another period. Keep-alive 0 disables both.
/// Thread safety: none.
class client_keep_alive {
public:
  void reset(duration keep_alive, time_point now) noexcept;
  void on_send(time_point now) noexcept { last_send_ = now; }
  void on_pingresp() noexcept { ping_sent_.reset(); }
  /// What the client must do at `now`.
  enum class action { none, send_ping, timed_out };
  action check(time_point now) noexcept;
  /// Notes that a PINGREQ went out at `now`.
  void on_ping_sent(time_point now) noexcept;
  /// When check() next has something to do; nullopt when disabled.
  std::optional<time_point> deadline() const noexcept;

private:
  duration period_{};
  time_point last_send_{};
  std::optional<time_point> ping_sent_;
};

/// The server's side: a client silent for one and a half keep-alive periods is disconnected
/// [MQTT-3.1.2-22] (v5) [MQTT-3.1.2-24] (3.1.1). Keep-alive 0 disables it.
constexpr std::optional<time_point> server_keep_alive_deadline(duration keep_alive,
                                                               time_point last_receive) noexcept {
  if (keep_alive == duration::zero()) return std::nullopt;
  return last_receive + keep_alive + keep_alive / 2;
}

} // namespace mqtk::session
