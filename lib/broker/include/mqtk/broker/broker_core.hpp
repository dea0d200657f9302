// SPDX-License-Identifier: MIT
// broker_core: the whole broker as a sans-IO state machine over many connections. The transport
// moves bytes in and out; every protocol decision is made here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mqtk/broker/access_policy.hpp"
#include "mqtk/broker/config.hpp"
#include "mqtk/broker/journal.hpp"
#include "mqtk/broker/local_link.hpp"
#include "mqtk/broker/log.hpp"
#include "mqtk/broker/stats.hpp"
#include "mqtk/codec/packets.hpp"
#include "mqtk/core/bytes.hpp"
#include "mqtk/session/time.hpp"

namespace mqtk::broker {

using connection_id = std::uint64_t;
using session::time_point;

namespace detail {
struct state;
}

/// A connection's pending bytes: `bytes`, with shared payloads spliced in. A payload of a large
/// message is not copied per subscriber: each splice holds a reference to the one message and
/// goes out between bytes[..at) and bytes[at..) in a gather write.
struct output {
  struct splice {
    std::size_t at;
    std::shared_ptr<const codec::publish> message;
  };
  buffer bytes;
  std::vector<splice> splices;
  std::size_t shared_bytes = 0;

  bool empty() const noexcept { return bytes.empty() && splices.empty(); }
  std::size_t size() const noexcept { return bytes.size() + shared_bytes; }
  void clear() noexcept {
    bytes.clear();
    splices.clear();
    shared_bytes = 0;
  }
  /// Everything in order, as one buffer (tests, traces).
  buffer flatten() const;
};

/// The broker's protocol core. For each accepted connection the transport calls on_accept(), then
/// on_bytes() with what it reads while wants_read() is true, writes what take_output() gives for
/// the connections in take_ready(), closes those take_closing() lists once their output is
/// written, reports on_closed() when a connection ends, and calls on_tick() every tick_interval.
/// Thread safety: none; one core per thread (the default broker runs one).
class broker_core {
public:
  explicit broker_core(config cfg = {});
  ~broker_core();
  broker_core(const broker_core&) = delete;
  broker_core& operator=(const broker_core&) = delete;

  /// A new connection; it must send CONNECT within limits::connect_timeout [MQTT-3.1.0-1], and
  /// be authenticated within it too. `listener` is the transport's index of the listener (the
  /// access policy sees it). Past max_connections, a few more are accepted and their CONNECT
  /// refused (v5 0x97 Quota exceeded, 3.1.1 code 3 Server unavailable); beyond those, returns
  /// nullopt and the transport closes the socket.
  std::optional<connection_id> on_accept(time_point now, std::uint16_t listener = 0);
  /// Who decides access; by default open_policy(config::allow_anonymous). Called again after
  /// the policy's rules changed (a reload), it asks each session's subscriptions again and
  /// removes those the policy now refuses (logged); returns how many it removed.
  std::size_t set_access_policy(std::shared_ptr<access_policy> policy);
  /// The answer to an authenticate() that said verdict::pending: the held CONNECT goes on (or
  /// is refused) and the packets behind it are read. A no-op for a connection gone meanwhile.
  void complete_auth(connection_id c, verdict v, time_point now);
  /// Bytes read from `c`.
  void on_bytes(connection_id c, byte_view bytes, time_point now);
  /// Who `c` is by the transport's account (a TLS client certificate's Common Name, for
  /// use_identity_as_username), before its CONNECT: the CONNECT's user name is replaced by it and
  /// its password ignored; an empty name refuses the CONNECT with Not authorized.
  void set_identity(connection_id c, std::string name);
  /// The transport saw `c` end. Publishes its will unless it disconnected normally. `why` is the
  /// transport's account (the peer closed, a socket error), logged when the core itself did not
  /// end the connection for a reason of its own.
  void on_closed(connection_id c, time_point now, std::string_view why = {});
  /// Timers: CONNECT deadline, keep-alive, will delay, session expiry, $SYS statistics.
  void on_tick(time_point now);
  /// Shuts down: v5 clients get DISCONNECT 0x8B (Server shutting down); every connection closes.
  void shutdown(time_point now);

  /// Attaches an in-process client under `name` (which clients cannot take: a CONNECT with it
  /// is refused with Client Identifier not valid). It has a session but no connection; the
  /// access policy does not apply to it.
  /// With options.acknowledged, a session saved under `name` (a restart) is taken over: its
  /// subscriptions stay and what it held is given to the link at once.
  link_id attach_link(std::string name, std::shared_ptr<local_link> link, link_options options = {},
                      time_point now = {});
  /// An acknowledged link took message `packet_id` for good (its peer acknowledged it): the
  /// core forgets it and hands on what waits. A no-op for an unknown link or id.
  void link_acknowledged(link_id id, std::uint16_t packet_id, time_point now);
  /// An acknowledged link lost what it was given and not yet acknowledged (its peer's session
  /// ended): every such message is given again, in order, with its packet id.
  void resume_link(link_id id, time_point now);
  /// Ends the link's session and subscriptions; a no-op for an unknown id. An acknowledged
  /// link's saved session stays in the journal, for the next attach under its name.
  void detach_link(link_id id);
  /// Subscribes the link to `filter` (a $share group included); retained messages follow the
  /// options' Retain Handling as for a client. Errors: errc::topic_filter_invalid, and
  /// reason_code::protocol_error for No Local on a shared subscription [MQTT-3.8.3-4].
  result<void> subscribe_link(link_id id, const std::string& filter,
                              codec::subscribe_options options, std::uint32_t subscription_id = 0,
                              time_point now = {});
  void unsubscribe_link(link_id id, const std::string& filter);
  /// Publishes `message` into the broker from `origin` (a link; 0 for the broker itself):
  /// retained store, routing, No Local against the origin. Wills and $SYS take the same path.
  /// Errors: errc::topic_name_invalid.
  result<void> publish(codec::publish message, link_id origin, time_point now);

  /// Connections with bytes to write, each once, since the last call.
  std::vector<connection_id> take_ready();
  /// Moves `c`'s pending output into `out` (cleared first); buffers are swapped, not copied.
  void take_output(connection_id c, output& out);
  /// Connections to close once their output is written.
  std::vector<connection_id> take_closing();
  /// False while `c` must not be read: it published into a full subscriber queue (backpressure),
  /// or its CONNECT awaits the access policy's answer.
  bool wants_read(connection_id c) const;
  /// Log lines since the last call (dropped messages, slow consumers; client events when
  /// config::log_connections is set, SUBSCRIBE and UNSUBSCRIBE with log_subscriptions).
  std::vector<log_entry> take_log();
  /// Connections whose reading may resume, since the last call.
  std::vector<connection_id> take_resumed();
  /// Records of durable changes since the last call, in order (config::journal; else none).
  /// Contract: a store saves them before the transport writes take_output()'s bytes, so no
  /// PUBACK or PUBREC reaches a client before the message it acknowledges is saved.
  /// The $SYS totals come along as a journal::counters record when due (at most once a
  /// second with other records, alone every 10 s); restore() counts on from the last one.
  std::vector<journal_record> take_journal();
  /// The next take_journal() carries the totals if they changed (the last save at exit).
  void journal_totals();
  /// Rebuilds durable state from `records` (all of them since the journal began, in order) in a
  /// new core, before its first on_accept(): sessions without connections (a session whose
  /// connection was live when the records ended expires from `now`), their subscriptions, queued
  /// and in-flight messages, inbound QoS 2 ids and delayed wills; retained messages. Records
  /// naming what does not exist (an acknowledgement for a message already gone) change nothing.
  void restore(const std::vector<journal_record>& records, time_point now);
  /// The store cannot save (a full disk, a read-only file) until called again with false. Until
  /// then a QoS 1/2 PUBLISH whose acceptance must be saved (retained, QoS 2 from a durable
  /// session, or reaching a durable session) is refused: v5 PUBACK/PUBREC 0x80, and in 3.1.1,
  /// whose acknowledgements carry no code, the connection is closed. A durable session's
  /// SUBSCRIBE gets 0x80 for each filter. What needs no disk goes on.
  void set_store_failing(bool failing);
  /// Relates the core's clock to the wall clock, for the journal's deadlines: `now` is `wall`.
  /// Without it, wall time is the core's clock since its epoch.
  void set_wall_clock(time_point now, wall_time wall);
  /// How often the transport must call on_tick(): it bounds the error of every timer.
  static constexpr session::duration tick_interval = std::chrono::milliseconds(500);

  /// For tests and fuzzing: what is broken among the core's invariants (no more QoS 1/2 messages
  /// out on a connection than its window; every message queued for a session was sent, refused
  /// and counted, is still queued, or was counted as dropped when its session ended; queue
  /// byte counts add up), one line each; empty when all hold.
  std::string check_invariants() const;

  const stats& statistics() const noexcept;
  std::size_t connection_count() const noexcept;
  std::size_t session_count() const noexcept;

private:
  std::unique_ptr<detail::state> s_;
};

} // namespace mqtk::broker
