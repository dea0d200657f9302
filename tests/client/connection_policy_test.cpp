// SPDX-License-Identifier: MIT
// connection_policy with a fake clock: back-off growth, cap and reset, giving up, the -V auto
// fallback and the user's disconnect, each as the decisions the Asio connection would carry out.
#include <catch2/catch.hpp>

#include "mqtk/client/connection_policy.hpp"
#include "mqtk/core/errc.hpp"

using namespace mqtk;
using namespace mqtk::client;
using namespace std::chrono_literals;
using codec::protocol_version;
using policy = connection_policy;
using state = policy::state;

namespace {

session::time_point t(std::chrono::milliseconds ms) {
  return session::time_point{} + ms;
}

policy make(protocol_version v = protocol_version::v5, bool reconnect = true,
            std::uint32_t seed = 42) {
  policy p(v, 10s, [seed] { return seed; });
  p.set_reconnect({reconnect});
  return p;
}

template <class T>
T as(const policy::decision& d) {
  REQUIRE(std::holds_alternative<T>(d));
  return std::get<T>(d);
}

session::event::closed lost() {
  return {std::make_error_code(std::errc::connection_reset), true, std::nullopt, std::nullopt};
}
session::event::closed refused_tcp() {
  return {std::make_error_code(std::errc::connection_refused), false, std::nullopt, std::nullopt};
}
session::event::closed by_reason(reason_code rc, bool by_server = true) {
  return {make_error_code(rc), by_server, std::nullopt, std::nullopt};
}

// Through the first attempt to CONNACK Success.
void up(policy& p, session::time_point now = t(0ms)) {
  if (p.current() == state::idle) as<policy::open_socket>(p.start(now));
  REQUIRE(p.current() == state::connecting);
  p.socket_connected();
  REQUIRE(p.current() == state::handshaking);
  p.transport_ready();
  REQUIRE(p.current() == state::transport_up);
  p.session_connected(now);
  REQUIRE(p.current() == state::connected);
}

// The attempt ends with `why` and its output is flushed: what comes next.
policy::decision end_with(policy& p, session::event::closed why, session::time_point now) {
  p.ending(std::move(why));
  REQUIRE(p.ending_attempt());
  return p.attempt_ended(now);
}

} // namespace

TEST_CASE("start opens a socket with the configured version and the connect deadline", "[policy]") {
  auto p = make(protocol_version::v311);
  CHECK(p.current() == state::idle);
  CHECK_FALSE(p.socket_up());
  const auto o = as<policy::open_socket>(p.start(t(5ms)));
  CHECK(o.version == protocol_version::v311);
  CHECK_FALSE(o.fallback);
  CHECK(o.deadline == t(10'005ms));
  CHECK(p.current() == state::connecting);
  CHECK(std::holds_alternative<std::monostate>(p.start(t(6ms)))); // only once
}

TEST_CASE("back-off doubles from first_delay in its upper half, caps, and resets on CONNACK",
          "[policy][backoff]") {
  auto p = make();
  up(p);
  auto now = t(1'000ms);
  auto r = as<policy::retry_later>(end_with(p, lost(), now));
  CHECK(p.current() == state::backing_off);
  CHECK_FALSE(p.socket_up());
  auto full = session::duration(250ms);
  for (unsigned n = 1; n <= 12; ++n) {
    INFO("attempt " << n);
    CHECK(r.attempt == n);
    CHECK(r.delay >= full / 2);
    CHECK(r.delay <= full);
    CHECK(r.at == now + r.delay);
    CHECK(r.cause.error == (n == 1 ? std::errc::connection_reset : std::errc::connection_refused));
    // Early: the timer must wait on.
    CHECK(std::holds_alternative<std::monostate>(p.timer_fired(r.at - 1ms)));
    CHECK(p.current() == state::backing_off);
    now = r.at;
    const auto o = as<policy::open_socket>(p.timer_fired(now));
    CHECK(o.version == protocol_version::v5);
    CHECK(o.deadline == now + 10s);
    CHECK(p.current() == state::connecting);
    r = as<policy::retry_later>(p.transport_failed(refused_tcp(), failure::unreachable, now));
    full = std::min<session::duration>(full * 2, 30s);
  }
  // From 250 ms · 2^7 = 32 s on, the cap holds: every delay lies in [15 s, 30 s].
  CHECK(r.delay >= 15s);
  CHECK(r.delay <= 30s);
  CHECK(p.attempts() == 13);
  // A successful CONNACK whose connection lasts stable_after starts the schedule again.
  as<policy::open_socket>(p.timer_fired(r.at));
  up(p, r.at);
  r = as<policy::retry_later>(end_with(p, lost(), r.at + 1h));
  CHECK(r.attempt == 1);
  CHECK(r.lasted == session::duration(1h));
  CHECK(r.delay >= 125ms);
  CHECK(r.delay <= 250ms);
}

TEST_CASE("connections lost soon after CONNACK keep the back-off growing (takeover fights)",
          "[policy][backoff]") {
  auto p = make();
  up(p);
  auto now = t(0ms);
  session::duration full = 250ms;
  for (unsigned n = 1; n <= 6; ++n) {
    INFO("round " << n);
    // Taken over 50 ms after each CONNACK: a bare close by the broker, as in MQTT 3.1.1.
    const auto r = as<policy::retry_later>(end_with(p, lost(), now + 50ms));
    CHECK(r.attempt == n);
    CHECK(r.lasted == session::duration(50ms));
    CHECK(r.delay >= full / 2);
    CHECK(r.delay <= full);
    full *= 2;
    now = r.at;
    as<policy::open_socket>(p.timer_fired(now));
    up(p, now);
  }
  // One that stays up for stable_after (10 s) starts the schedule afresh.
  const auto r = as<policy::retry_later>(end_with(p, lost(), now + 10s));
  CHECK(r.attempt == 1);
  CHECK(r.delay <= 250ms);
}

TEST_CASE("the jitter is drawn from the seed, the same seed gives the same schedule",
          "[policy][backoff]") {
  std::vector<session::duration> a, b, c;
  for (auto* out : {&a, &b, &c}) {
    auto p = make(protocol_version::v5, true, out == &c ? 7 : 42);
    up(p);
    auto r = as<policy::retry_later>(end_with(p, lost(), t(0ms)));
    for (int i = 0; i < 6; ++i) {
      out->push_back(r.delay);
      as<policy::open_socket>(p.timer_fired(r.at));
      r = as<policy::retry_later>(p.transport_failed(refused_tcp(), failure::unreachable, r.at));
    }
  }
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("without reconnect a lost connection is final", "[policy]") {
  auto p = make(protocol_version::v5, false);
  up(p);
  const auto g = as<policy::give_up>(end_with(p, lost(), t(1ms)));
  CHECK(g.event.error == std::errc::connection_reset);
  CHECK(g.why == failure::none);
  CHECK(p.current() == state::closed);
  CHECK(p.last_failure() == failure::none);
}

TEST_CASE("a first attempt that fails is final even with reconnect on", "[policy][give-up]") {
  SECTION("refused TCP: unreachable") {
    auto p = make();
    as<policy::open_socket>(p.start(t(0ms)));
    const auto g =
        as<policy::give_up>(p.transport_failed(refused_tcp(), failure::unreachable, t(1ms)));
    CHECK(g.why == failure::unreachable);
    CHECK(p.last_failure() == failure::unreachable);
    CHECK(g.event.error == std::errc::connection_refused);
  }
  SECTION("the connect deadline during a TLS handshake: timed out") {
    auto p = make();
    as<policy::open_socket>(p.start(t(0ms)));
    p.socket_connected();
    const auto g = as<policy::give_up>(p.transport_failed(
        {std::make_error_code(std::errc::timed_out), false, std::nullopt, std::nullopt},
        failure::timed_out, t(10'000ms)));
    CHECK(g.why == failure::timed_out);
  }
  SECTION("a CONNACK refusal") {
    auto p = make();
    as<policy::open_socket>(p.start(t(0ms)));
    p.socket_connected();
    p.transport_ready();
    const auto g = as<policy::give_up>(end_with(p, by_reason(reason_code::not_authorized), t(1ms)));
    CHECK(g.event.error == reason_code::not_authorized);
    CHECK(g.why == failure::none);
  }
}

TEST_CASE("after a loss only transient causes are retried", "[policy][give-up]") {
  struct row {
    session::event::closed cause;
    bool retried;
  };
  const row rows[] = {
      {lost(), true},
      {{make_error_code(std::errc::timed_out), false, {}, {}}, true}, // no CONNACK in time
      {by_reason(reason_code::server_shutting_down), true},
      {by_reason(reason_code::server_busy), true},
      {by_reason(reason_code::server_unavailable), true},
      {by_reason(reason_code::keep_alive_timeout, false), true},
      {by_reason(reason_code::session_taken_over), false},
      {by_reason(reason_code::not_authorized), false},
      {by_reason(reason_code::protocol_error, false), false},
      {{make_error_code(errc::qos_invalid), false, {}, {}}, false}, // a malformed packet
  };
  for (const auto& r : rows) {
    INFO(r.cause.error.message());
    auto p = make();
    up(p);
    const auto d = end_with(p, r.cause, t(1ms));
    CHECK(std::holds_alternative<policy::retry_later>(d) == r.retried);
    if (!r.retried) CHECK(as<policy::give_up>(d).event.error == r.cause.error);
  }
}

TEST_CASE("a reconnect that runs out of attempts reports the connection lost",
          "[policy][give-up]") {
  auto p = make();
  p.set_reconnect({true, 250ms, 30s, 2});
  up(p);
  auto r = as<policy::retry_later>(end_with(p, lost(), t(0ms)));
  as<policy::open_socket>(p.timer_fired(r.at));
  r = as<policy::retry_later>(p.transport_failed(refused_tcp(), failure::unreachable, r.at));
  CHECK(r.attempt == 2);
  as<policy::open_socket>(p.timer_fired(r.at));
  const auto g =
      as<policy::give_up>(p.transport_failed(refused_tcp(), failure::unreachable, r.at + 1ms));
  CHECK(g.why == failure::none); // exit 7, not 3: the broker had been reached
  CHECK(g.event.error == std::errc::connection_refused);
}

TEST_CASE("MQTT 5 refused as a version falls back to 3.1.1 once (-V auto)", "[policy][fallback]") {
  const session::event::closed refusals[] = {
      by_reason(reason_code::unsupported_protocol_version), // 0x84, or a 3.1.1 return code 1
      {std::make_error_code(std::errc::connection_reset), true, {}, {}}, // closed before CONNACK
      // Asio's end of file lives in a category of its own; any non-MQTT category is transport.
      {std::make_error_code(std::io_errc::stream), true, {}, {}},
  };
  for (const auto& c : refusals) {
    INFO(c.error.message());
    auto p = make(protocol_version::v5, false);
    p.set_version_fallback(true);
    as<policy::open_socket>(p.start(t(0ms)));
    p.socket_connected();
    p.transport_ready();
    const auto o = as<policy::open_socket>(end_with(p, c, t(5ms)));
    CHECK(o.version == protocol_version::v311);
    CHECK(o.fallback);
    CHECK(o.deadline == t(10'005ms));
    CHECK(p.version() == protocol_version::v311);
    // Once only: a second refusal is final.
    p.socket_connected();
    p.transport_ready();
    const auto g = as<policy::give_up>(end_with(p, c, t(6ms)));
    CHECK(g.event.error == c.error);
  }
}

TEST_CASE("no fallback on refusals that are not about the version (-V auto)",
          "[policy][fallback]") {
  const session::event::closed others[] = {
      by_reason(reason_code::not_authorized),
      by_reason(reason_code::bad_user_name_or_password),
      by_reason(reason_code::client_identifier_not_valid),
      by_reason(reason_code::server_unavailable),
      {make_error_code(std::errc::timed_out), false, {}, {}}, // no CONNACK in time
      {make_error_code(errc::qos_invalid), false, {}, {}},    // a malformed CONNACK
      by_reason(reason_code::protocol_error, false),          // not a CONNACK first
  };
  for (const auto& c : others) {
    INFO(c.error.message());
    auto p = make();
    p.set_version_fallback(true);
    as<policy::open_socket>(p.start(t(0ms)));
    p.socket_connected();
    p.transport_ready();
    CHECK(as<policy::give_up>(end_with(p, c, t(1ms))).event.error == c.error);
  }
}

TEST_CASE("the fallback starts only from a first MQTT 5 attempt (-V auto)", "[policy][fallback]") {
  const auto refusal = by_reason(reason_code::unsupported_protocol_version);
  SECTION("not when it is off") {
    auto p = make();
    as<policy::open_socket>(p.start(t(0ms)));
    p.transport_ready();
    as<policy::give_up>(end_with(p, refusal, t(1ms)));
  }
  SECTION("not from 3.1.1") {
    auto p = make(protocol_version::v311);
    p.set_version_fallback(true);
    as<policy::open_socket>(p.start(t(0ms)));
    p.transport_ready();
    as<policy::give_up>(end_with(p, refusal, t(1ms)));
  }
  SECTION("not on a reconnect after MQTT 5 was accepted") {
    auto p = make();
    p.set_version_fallback(true);
    up(p);
    const auto r = as<policy::retry_later>(end_with(p, lost(), t(0ms)));
    as<policy::open_socket>(p.timer_fired(r.at));
    p.transport_ready();
    as<policy::give_up>(end_with(p, refusal, r.at + 1ms));
    CHECK(p.version() == protocol_version::v5);
  }
  SECTION("not on a transport failure before MQTT flowed") {
    auto p = make();
    p.set_version_fallback(true);
    as<policy::open_socket>(p.start(t(0ms)));
    CHECK(
        as<policy::give_up>(p.transport_failed(refused_tcp(), failure::unreachable, t(1ms))).why ==
        failure::unreachable);
  }
  SECTION("not when the user is disconnecting") {
    auto p = make();
    p.set_version_fallback(true);
    as<policy::open_socket>(p.start(t(0ms)));
    p.transport_ready();
    as<policy::send_disconnect>(p.user_disconnect(reason_code::success));
    p.ending(refusal);
    as<policy::give_up>(p.attempt_ended(t(1ms)));
  }
}

TEST_CASE("user disconnect during back-off reports the user's reason at once", "[policy][user]") {
  auto p = make();
  up(p);
  const auto r = as<policy::retry_later>(end_with(p, lost(), t(0ms)));
  const auto g = as<policy::give_up>(p.user_disconnect(reason_code::disconnect_with_will));
  CHECK(g.event.error == reason_code::disconnect_with_will);
  CHECK_FALSE(g.event.by_server);
  CHECK(g.why == failure::none);
  CHECK(p.current() == state::closed);
  // The retry timer, if it still fires, opens nothing.
  CHECK(std::holds_alternative<std::monostate>(p.timer_fired(r.at)));
  CHECK(std::holds_alternative<std::monostate>(p.user_disconnect(reason_code::success)));
}

TEST_CASE("user disconnect while connecting reports at once, while up it lets the session say it",
          "[policy][user]") {
  SECTION("connecting") {
    auto p = make();
    as<policy::open_socket>(p.start(t(0ms)));
    CHECK(as<policy::give_up>(p.user_disconnect(reason_code::success)).event.error ==
          reason_code::success);
  }
  SECTION("handshaking") {
    auto p = make();
    as<policy::open_socket>(p.start(t(0ms)));
    p.socket_connected();
    as<policy::give_up>(p.user_disconnect(reason_code::success));
  }
  SECTION("connected: DISCONNECT, then the session's closed event, never a retry") {
    auto p = make();
    up(p);
    as<policy::send_disconnect>(p.user_disconnect(reason_code::success));
    CHECK(p.current() == state::disconnecting);
    CHECK(p.socket_up());
    CHECK_FALSE(p.ending_attempt()); // the session's closed event is still to come
    // Even a transient cause (the socket broke while flushing) is not retried.
    p.ending(lost());
    const auto g = as<policy::give_up>(p.attempt_ended(t(1ms)));
    CHECK(g.event.error == std::errc::connection_reset);
  }
  SECTION("while an attempt is ending: its cause stands, without a retry") {
    auto p = make();
    up(p);
    p.ending(by_reason(reason_code::server_shutting_down));
    CHECK(std::holds_alternative<std::monostate>(p.user_disconnect(reason_code::success)));
    CHECK(p.current() == state::disconnecting);
    const auto g = as<policy::give_up>(p.attempt_ended(t(1ms)));
    CHECK(g.event.error == reason_code::server_shutting_down);
  }
}

TEST_CASE("abort ends every live state at once", "[policy][user]") {
  auto p = make();
  up(p);
  const auto g = as<policy::give_up>(p.user_abort());
  CHECK(g.event.error == std::errc::connection_aborted);
  CHECK(std::holds_alternative<std::monostate>(p.user_abort()));
  CHECK(std::holds_alternative<std::monostate>(p.start(t(1ms))));
}

TEST_CASE("an ending attempt keeps its first cause", "[policy]") {
  auto p = make(protocol_version::v5, false);
  up(p);
  p.ending(by_reason(reason_code::session_taken_over));
  p.ending(lost()); // the socket closing behind the server's DISCONNECT
  CHECK(as<policy::give_up>(p.attempt_ended(t(1ms))).event.error ==
        reason_code::session_taken_over);
}

TEST_CASE("inputs of an attempt that is over are ignored", "[policy]") {
  auto p = make();
  up(p);
  const auto r = as<policy::retry_later>(end_with(p, lost(), t(0ms)));
  // A second failure report of the same broken socket must not count a second attempt.
  CHECK(std::holds_alternative<std::monostate>(
      p.transport_failed(refused_tcp(), failure::unreachable, t(1ms))));
  p.ending(lost());
  CHECK_FALSE(p.ending_attempt());
  CHECK(std::holds_alternative<std::monostate>(p.attempt_ended(t(1ms))));
  p.session_connected(t(1ms));
  CHECK(p.current() == state::backing_off);
  CHECK(p.attempts() == 1);
  CHECK(p.retry_at() == r.at);
}

TEST_CASE("transient: what is worth another try", "[policy]") {
  CHECK(transient(std::make_error_code(std::errc::connection_refused)));
  CHECK(transient(std::make_error_code(std::errc::timed_out)));
  CHECK(transient(make_error_code(reason_code::server_busy)));
  CHECK(transient(make_error_code(reason_code::keep_alive_timeout)));
  CHECK_FALSE(transient(make_error_code(reason_code::bad_user_name_or_password)));
  CHECK_FALSE(transient(make_error_code(reason_code::session_taken_over)));
  CHECK_FALSE(transient(make_error_code(errc::qos_invalid)));
}
