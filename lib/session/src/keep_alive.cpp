// SPDX-License-Identifier: MIT
// The client keep-alive timer logic.
#include "mqtk/session/keep_alive.hpp"

namespace mqtk::session {

void client_keep_alive::reset(duration keep_alive, time_point now) noexcept {
  period_ = keep_alive;
  last_send_ = now;
  ping_sent_.reset();
}

client_keep_alive::action client_keep_alive::check(time_point now) noexcept {
  if (period_ == duration::zero()) return action::none;
  if (ping_sent_) return now >= *ping_sent_ + period_ ? action::timed_out : action::none;
  return now >= last_send_ + period_ ? action::send_ping : action::none;
}

void client_keep_alive::on_ping_sent(time_point now) noexcept {
  ping_sent_ = now;
  last_send_ = now;
}

std::optional<time_point> client_keep_alive::deadline() const noexcept {
  if (period_ == duration::zero()) return std::nullopt;
  return ping_sent_ ? *ping_sent_ + period_ : last_send_ + period_;
}

} // namespace mqtk::session
