// SPDX-License-Identifier: MIT
// When a client connection opens a socket, waits, falls back to MQTT 3.1.1 or gives up: a sans-IO
// state machine that client::connection executes. It does no I/O and reads no clock.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <variant>

#include "mqtk/codec/protocol_version.hpp"
#include "mqtk/session/client_session.hpp"
#include "mqtk/session/time.hpp"

namespace mqtk::client {

/// Reconnecting after a connection that was up is lost: exponential back-off from `first_delay`
/// up to `max_delay`, each delay drawn at random from its upper half so that many clients
/// dropped together do not return together.
struct reconnect_policy {
  bool enabled = false;
  session::duration first_delay = std::chrono::milliseconds(250);
  session::duration max_delay = std::chrono::seconds(30);
  unsigned max_attempts = 0; ///< 0: keep trying
  /// A connection that ends sooner than this after its CONNACK does not start the back-off
  /// afresh: two clients taking one client id over from each other (3.1.1 says nothing, the
  /// broker just closes) would otherwise reconnect at the first delay for ever.
  session::duration stable_after = std::chrono::seconds(10);
  /// Each delay drawn from the upper half of its value, so that many clients a broker dropped
  /// together do not come back together; false: the values themselves (a constant when
  /// first_delay == max_delay, as mosquitto's `restart_timeout N`).
  bool jitter = true;
};

/// Why the connection could not be used at all, as opposed to the session's own events.
enum class failure { none, unreachable, timed_out };

/// The life of one client connection across its attempts. The connection reports what happened
/// (inputs) and carries out what the policy answers (a decision); `now` is always passed in.
///
/// input              from                          to             decision
/// start              idle                          connecting     open_socket, configured version
/// socket_connected   connecting                    handshaking
/// transport_ready    connecting, handshaking       transport_up   (the session starts)
/// transport_failed   connecting, handshaking       backing_off    retry_later (see below)
///                                                  closed         give_up unreachable/timed_out
/// session_connected  transport_up                  connected      (the back-off starts afresh
///                                                                 once it lasts stable_after)
/// ending             transport_up, connected       closing        (the connection flushes)
/// attempt_ended      closing                       connecting     open_socket 3.1.1 (-V auto)
///                                                  backing_off    retry_later (see below)
///                                                  closed         give_up
///                    disconnecting                 closed         give_up
/// timer_fired        backing_off                   connecting     open_socket
/// user_disconnect    transport_up, connected       disconnecting  send_disconnect
///                    closing                       disconnecting
///                    idle, connecting,             closed         give_up
///                      handshaking, backing_off
/// user_abort         any but closed                closed         give_up
///
/// An attempt is retried only once some attempt got a CONNACK with Success, with reconnect on,
/// for a transient() cause and while attempts are left. The fallback happens once,
/// from a first MQTT 5 attempt refused as a version. Any other input in a state is stale (a late
/// callback of an attempt that is over) and ignored.
/// Thread safety: none; one policy per connection, used from its thread.
class connection_policy {
public:
  enum class state {
    idle,          ///< start() not called yet
    connecting,    ///< resolving and opening the socket (the connect deadline runs)
    handshaking,   ///< socket up, TLS and/or WebSocket handshake (the connect deadline still runs)
    transport_up,  ///< MQTT bytes flow: CONNECT sent, CONNACK awaited (the session's deadline)
    connected,     ///< CONNACK with Success
    closing,       ///< the attempt ends; its cause is held until the output is flushed
    disconnecting, ///< closing because the user asked; never retried
    backing_off,   ///< waiting for retry_at()
    closed         ///< final: the user has been told
  };

  /// Open a socket now and speak `version` on it; give up at `deadline` if the transport is not
  /// ready by then. `fallback`: this is the 3.1.1 attempt after the broker refused MQTT 5.
  struct open_socket {
    codec::protocol_version version;
    bool fallback = false;
    session::time_point deadline;
  };
  /// Wait, then call timer_fired(). `cause` ended the attempt; `attempt` counts from 1.
  struct retry_later {
    session::time_point at;
    session::duration delay;
    unsigned attempt;
    session::event::closed cause;
    /// How long the ended attempt was connected (CONNACK to its end), if it got that far.
    std::optional<session::duration> lasted;
  };
  /// Stop: report `event` to the user; `why` says whether the broker was reached at all.
  struct give_up {
    session::event::closed event;
    failure why;
  };
  /// The session is up: let it send DISCONNECT, then flush and report its closed event.
  struct send_disconnect {};
  using decision = std::variant<std::monostate, open_socket, retry_later, give_up, send_disconnect>;

  /// `version` is the configured protocol; `seed` gives the jitter's seed on the first back-off
  /// (random_device costs start-up time, so only a reconnecting client pays it).
  connection_policy(codec::protocol_version version, session::duration connect_timeout,
                    std::function<std::uint32_t()> seed);

  /// Settings, before start().
  void set_reconnect(const reconnect_policy& r) { reconnect_ = r; }
  /// -V auto: one retry with 3.1.1 when the first MQTT 5 attempt is refused as a version.
  void set_version_fallback(bool on) { fallback_ = on; }

  decision start(session::time_point now);
  /// The socket is connected; a TLS or WebSocket handshake follows.
  void socket_connected();
  /// MQTT can flow (after the handshakes, if any): the connection starts the session.
  void transport_ready();
  /// DNS, TCP, the connect deadline or a handshake failed before MQTT could flow.
  decision transport_failed(session::event::closed why, failure kind, session::time_point now);
  /// CONNACK with Success at `now`: the back-off starts afresh if the connection lasts
  /// reconnect_policy::stable_after.
  void session_connected(session::time_point now);
  /// The attempt is ending: the session closed (CONNACK refusal, DISCONNECT either way, protocol
  /// error, keep-alive timeout) or the connection was lost. The first cause is kept.
  void ending(session::event::closed why);
  /// The ending attempt's output is flushed and its socket closed: retry, fall back or give up.
  decision attempt_ended(session::time_point now);
  /// The retry timer fired: opens the next attempt unless `now` is before retry_at().
  decision timer_fired(session::time_point now);
  decision user_disconnect(reason_code code);
  /// Close at once, without DISCONNECT.
  decision user_abort();

  state current() const noexcept { return state_; }
  /// A socket is connected for this attempt (bytes may be written and read).
  bool socket_up() const noexcept;
  /// closing or disconnecting with its cause known: once the output is flushed the connection
  /// closes the socket and calls attempt_ended().
  bool ending_attempt() const noexcept;
  /// While backing_off: when timer_fired() opens the next attempt.
  session::time_point retry_at() const noexcept { return retry_at_; }
  codec::protocol_version version() const noexcept { return version_; }
  /// Set by the last give_up: whether it came from DNS/TCP/handshakes rather than MQTT.
  failure last_failure() const noexcept { return failure_; }
  /// Back-off attempts since the last connection that lasted stable_after.
  unsigned attempts() const noexcept { return attempt_; }
  const reconnect_policy& reconnect() const noexcept { return reconnect_; }

private:
  decision open(bool fallback, session::time_point now);
  decision retry_or_give_up(session::event::closed cause, failure kind, session::time_point now,
                            std::optional<session::duration> lasted = std::nullopt);
  decision stop(session::event::closed event, failure kind);
  bool ending_attempt_state() const noexcept;
  bool may_fall_back(const session::event::closed& c) const noexcept;
  session::duration next_delay();

  state state_ = state::idle;
  codec::protocol_version version_;
  session::duration connect_timeout_;
  reconnect_policy reconnect_;
  bool fallback_ = false;
  bool ever_connected_ = false; // a CONNACK with Success was seen: only then is a loss retried
  unsigned attempt_ = 0;
  std::optional<session::time_point> connected_at_; // this attempt's CONNACK
  std::optional<session::event::closed> cause_;
  session::time_point retry_at_{};
  failure failure_ = failure::none;
  std::function<std::uint32_t()> seed_;
  std::optional<std::minstd_rand> jitter_;
};

/// A broker going away or overloaded, a keep-alive timeout, or a transport error (not a reason
/// code or a malformed packet): worth another try. Bad credentials, a session taken over or a
/// protocol error are final.
bool transient(const std::error_code& ec) noexcept;

} // namespace mqtk::client
