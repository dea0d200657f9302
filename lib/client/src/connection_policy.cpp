// SPDX-License-Identifier: MIT
// The connection policy's transitions: when to open a socket, when and how long to back off,
// when -V auto falls back to MQTT 3.1.1, and when to give up.
#include "mqtk/client/connection_policy.hpp"

#include <algorithm>

#include "mqtk/core/errc.hpp"

namespace mqtk::client {

using codec::protocol_version;
using session::duration;
using session::time_point;
namespace event = session::event;

bool transient(const std::error_code& ec) noexcept {
  // What did not come from MQTT (socket, DNS, a handshake, a missing CONNACK) may pass; a
  // malformed packet from the broker will come again.
  if (ec.category() == mqtk::error_category()) return false;
  if (ec.category() != reason_category()) return true;
  switch (static_cast<reason_code>(ec.value())) {
  case reason_code::server_unavailable:
  case reason_code::server_busy:
  case reason_code::server_shutting_down:
  case reason_code::keep_alive_timeout:
    return true;
  default:
    return false;
  }
}

connection_policy::connection_policy(protocol_version version, duration connect_timeout,
                                     std::function<std::uint32_t()> seed)
    : version_(version), connect_timeout_(connect_timeout), seed_(std::move(seed)) {}

connection_policy::decision connection_policy::start(time_point now) {
  if (state_ != state::idle) return {};
  return open(false, now);
}

connection_policy::decision connection_policy::open(bool fallback, time_point now) {
  state_ = state::connecting;
  cause_.reset();
  connected_at_.reset();
  return open_socket{version_, fallback, now + connect_timeout_};
}

void connection_policy::socket_connected() {
  if (state_ == state::connecting) state_ = state::handshaking;
}

void connection_policy::transport_ready() {
  if (state_ == state::connecting || state_ == state::handshaking) state_ = state::transport_up;
}

connection_policy::decision connection_policy::transport_failed(event::closed why, failure kind,
                                                                time_point now) {
  if (state_ != state::connecting && state_ != state::handshaking) return {};
  return retry_or_give_up(std::move(why), kind, now);
}

void connection_policy::session_connected(time_point now) {
  if (state_ != state::transport_up) return;
  state_ = state::connected;
  ever_connected_ = true;
  connected_at_ = now;
}

void connection_policy::ending(event::closed why) {
  if (state_ == state::transport_up || state_ == state::connected) {
    state_ = state::closing;
    cause_ = std::move(why);
  } else if (ending_attempt_state() && !cause_) {
    cause_ = std::move(why);
  }
}

connection_policy::decision connection_policy::attempt_ended(time_point now) {
  if (!ending_attempt()) return {};
  auto cause = std::move(*cause_);
  cause_.reset();
  if (state_ == state::disconnecting) return stop(std::move(cause), failure::none);
  if (may_fall_back(cause)) {
    fallback_ = false;
    version_ = protocol_version::v311;
    return open(true, now);
  }
  std::optional<duration> lasted;
  if (connected_at_) {
    lasted = now - *connected_at_;
    if (*lasted >= reconnect_.stable_after) attempt_ = 0;
  }
  return retry_or_give_up(std::move(cause), failure::none, now, lasted);
}

connection_policy::decision connection_policy::timer_fired(time_point now) {
  if (state_ != state::backing_off || now < retry_at_) return {};
  return open(false, now);
}

connection_policy::decision connection_policy::user_disconnect(reason_code code) {
  switch (state_) {
  case state::transport_up:
  case state::connected:
    state_ = state::disconnecting;
    return send_disconnect{};
  case state::closing:
    state_ = state::disconnecting; // what ends the attempt is already known
    return {};
  case state::disconnecting:
  case state::closed:
    return {};
  case state::idle:
  case state::connecting:
  case state::handshaking:
  case state::backing_off:
    break;
  }
  // No session to say goodbye on: report the user's reason at once.
  return stop(event::closed{make_error_code(code), false, std::nullopt, std::nullopt},
              failure::none);
}

connection_policy::decision connection_policy::user_abort() {
  if (state_ == state::closed) return {};
  return stop(event::closed{std::make_error_code(std::errc::connection_aborted), false,
                            std::nullopt, std::nullopt},
              failure::none);
}

bool connection_policy::socket_up() const noexcept {
  switch (state_) {
  case state::handshaking:
  case state::transport_up:
  case state::connected:
  case state::closing:
  case state::disconnecting:
    return true;
  default:
    return false;
  }
}

bool connection_policy::ending_attempt() const noexcept {
  return ending_attempt_state() && cause_.has_value();
}

bool connection_policy::ending_attempt_state() const noexcept {
  return state_ == state::closing || state_ == state::disconnecting;
}

// Design: only a session that was up is retried. A first attempt that fails is final, because a
// script wants exit 3 or 4 at once rather than a client that waits for a broker to appear.
connection_policy::decision connection_policy::retry_or_give_up(event::closed cause, failure kind,
                                                                time_point now,
                                                                std::optional<duration> lasted) {
  if (!ever_connected_ || !reconnect_.enabled || !transient(cause.error))
    return stop(std::move(cause), kind);
  // Out of attempts after having been connected: the connection was lost (exit 7), whatever
  // the last attempt's transport said.
  if (reconnect_.max_attempts != 0 && attempt_ >= reconnect_.max_attempts)
    return stop(std::move(cause), failure::none);
  const auto delay = next_delay();
  ++attempt_;
  state_ = state::backing_off;
  retry_at_ = now + delay;
  return retry_later{retry_at_, delay, attempt_, std::move(cause), lasted};
}

connection_policy::decision connection_policy::stop(event::closed event, failure kind) {
  state_ = state::closed;
  failure_ = kind;
  cause_.reset();
  return give_up{std::move(event), kind};
}

// -V auto: the first MQTT 5 attempt was refused as a version (0x84, which includes a 3.1.1
// CONNACK with return code 1), or the broker closed the connection before any CONNACK, as some
// 3.1.1-only brokers do. Any other refusal (credentials, authorization, a timeout) is about us,
// not the version, and stays final.
bool connection_policy::may_fall_back(const event::closed& c) const noexcept {
  if (!fallback_ || ever_connected_ || version_ != protocol_version::v5) return false;
  if (c.error == make_error_code(reason_code::unsupported_protocol_version)) return true;
  return c.by_server && c.error.category() != reason_category() &&
         c.error.category() != mqtk::error_category();
}

// Exponential from first_delay, capped at max_delay, then drawn from the upper half.
duration connection_policy::next_delay() {
  auto delay = reconnect_.first_delay * (1LL << std::min(attempt_, 20u));
  if (delay > reconnect_.max_delay) delay = reconnect_.max_delay;
  if (!reconnect_.jitter) return delay;
  const auto half = delay / 2;
  if (!jitter_) jitter_.emplace(seed_ ? seed_() : std::minstd_rand::default_seed);
  return half + duration(std::uniform_int_distribution<duration::rep>(0, half.count())(*jitter_));
}

} // namespace mqtk::client
