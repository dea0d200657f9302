// SPDX-License-Identifier: MIT
// Internal: the broker's connections, sessions and the operations on them.
#pragma once

#include <array>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mqtk/broker/broker_core.hpp"
#include "mqtk/codec/decoder.hpp"
#include "mqtk/codec/packets.hpp"
#include "mqtk/session/flow.hpp"
#include "mqtk/topic/retained_store.hpp"
#include "mqtk/topic/subscription_trie.hpp"
#include "mqtk/topic/topic_alias.hpp"

namespace mqtk::broker::detail {

using message_ptr = std::shared_ptr<const codec::publish>;
using session::duration;

using session::outbound_message;

// Bytes waiting in a connection's output before its subscriber counts as congested.
inline constexpr std::size_t out_limit = 1024 * 1024;

struct subscription_record {
  codec::subscribe_options options;
  std::uint32_t id = 0;
};

struct connection;

/// A subscriber whose backlog is over its limits (backpressure.cpp): the publishers it holds
/// back, and whether it still takes what it is sent. Only congested sessions have one.
struct congestion {
  std::vector<connection_id> holding; // publishers paused for it, each counted in state::paused
  time_point quiet_since{};           // the last tick that saw it take something, or its start
  time_point clear_since{};           // a slow consumer's backlog is under the marks since then
  std::uint64_t dropped = 0;          // for it as a slow consumer
  std::string topic;                  // of the message that found it full, for the log
  bool progressed = false;            // it took something since the last tick
  bool slow = false;
};

/// A container made on first use. Empty, it costs one pointer instead of the container itself
/// (56 bytes for an unordered one): most sessions never hold QoS 1/2 state, and the broker holds
/// many idle sessions.
template <class T>
class lazy {
public:
  T& get() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }
  void reset() noexcept { p_.reset(); }
  /// The container if it was ever made; nullptr otherwise (reading need not make it).
  const T* peek() const noexcept { return p_.get(); }
  T* made() noexcept { return p_.get(); }

private:
  std::unique_ptr<T> p_;
};

/// State that may outlive a connection (section 4.1). Fields are ordered to pack: an idle
/// session's size is part of what the S7 benchmark measures.
struct session_state {
  std::string client_id;
  std::uint64_t key = 0;
  connection* conn = nullptr;
  lazy<std::map<std::string, subscription_record, std::less<>>> subscriptions;
  lazy<session::flow> flow; // QoS 1/2 state, made on first use: an idle session holds a pointer
  std::optional<time_point> expires_at;
  // Design: wills live on the heap. A will_message with its properties is ~700 bytes, and an
  // inline optional would cost every idle connection and session that much.
  std::unique_ptr<codec::will_message> delayed_will;
  std::optional<time_point> will_at;
  std::unique_ptr<std::string> username; // as authenticated; null for anonymous clients
  std::uint32_t expiry = 0;              // seconds after disconnect; 0xFFFFFFFF: never
  codec::protocol_version version = codec::protocol_version::v5;
  bool journaled = false;     // its changes go to the journal (config::journal, a durable session)
  bool bridge = false;        // its CONNECT had the bridge bit (try_private): see on_subscribe
  std::uint16_t listener = 0; // of its last connection, for the access policy's topic checks
};

struct connection {
  connection_id id = 0;
  codec::stream_decoder decoder;
  output out;
  time_point last_receive{};
  duration keep_alive{};
  time_point connect_deadline{};
  session_state* sess = nullptr;
  std::unique_ptr<codec::will_message> will;
  lazy<topic::inbound_aliases> aliases; // made on the first aliased PUBLISH
  // The start of the CONNECT, to learn its version when it fails to decode.
  std::array<std::uint8_t, 16> first_bytes{};
  std::unique_ptr<std::string> identity; // set_identity(); on the heap: most have none
  // Aliases we choose for what we send, when the client's CONNECT allows some (v5).
  std::unique_ptr<topic::outbound_aliases> sent_aliases;
  std::uint32_t client_max_packet = codec::max_packet_size_limit;
  std::uint16_t client_receive_maximum = 65'535;
  std::uint16_t alias_max = 0; // Topic Alias Maximum we announced (v5)
  std::uint16_t listener = 0;  // on_accept()'s index, for the access policy
  std::uint8_t first_len = 0;  // bytes in first_bytes
  // The small fields together: an idle connection's size is what S7 measures.
  enum class phase : std::uint8_t {
    awaiting_connect,
    authenticating, // CONNECT held until complete_auth(); not read meanwhile
    exchanging,     // CONNECT held during enhanced authentication; only AUTH is read
    connected,
    closing
  } phase = phase::awaiting_connect;
  bool listed_ready = false;
  bool send_will = true; // cleared by a normal DISCONNECT [MQTT-3.14.4-3]
  bool paused = false;
  bool over_quota = false;   // accepted past max_connections: its CONNECT is refused
  bool waiting_room = false; // its large packet waits for max_receiving_bytes (large_packets.cpp)
  codec::protocol_version version() const { return decoder.version(); }
};

struct state {
  explicit state(config c);

  config cfg;
  stats st;
  // The totals journaled last; whether they may ride with a batch (a second has passed) or are
  // due alone (10 s have), set by the timers (journal.cpp).
  stats counters_saved;
  bool counters_ride = false, counters_due = false;
  time_point next_ride{}, next_counters{};
  std::shared_ptr<access_policy> policy;
  bool policy_checks_topics = false; // policy->checks_topics(), asked once
  bool store_failing = false;        // set_store_failing(): refuse what would need a save
  // Payload bytes queued in every session's flow (max_queued_bytes_total). Declared before the
  // sessions: a flow takes its share back out when it is destroyed.
  std::size_t queued_total = 0;
  std::vector<connection_id> budget_holding; // publishers paused for queued_total, in order
  // Packets over large_packet being received (large_packets.cpp): what each was let in with,
  // and those waiting for room, in order. Small packets never come here.
  struct large_entry {
    std::size_t reserved = 0;
    std::size_t progress = 0; // buffered bytes when the pace was last met
    time_point due{};         // the next large_packet's worth must be in by then
  };
  std::unordered_map<connection_id, large_entry> receiving;
  std::size_t receiving_total = 0;
  std::deque<connection_id> waiting_room;
  bool budget_told = false; // logged once per episode, until the total is under half again
  std::unordered_map<connection_id, std::unique_ptr<connection>> conns;
  // Keyed by a view of the session's own client_id: one copy of each id, not two.
  std::unordered_map<std::string_view, std::unique_ptr<session_state>> sessions;
  std::unordered_map<std::uint64_t, session_state*> by_key;
  topic::subscription_trie trie;
  topic::retained_store retained;
  connection_id next_conn = 1;
  std::size_t over_quota = 0; // connections with over_quota set
  std::uint64_t next_key = 1;
  std::uint64_t next_assigned_id = 1;
  std::vector<connection_id> ready, closing, resumed;
  // CONNECTs held while the access policy decides; beside the connections, not in them, so an
  // idle connection pays nothing for it.
  std::unordered_map<connection_id, std::unique_ptr<codec::connect>> held_connects;
  // Local links: their sessions live here, not in `sessions` (no expiry, no takeover, not
  // counted as clients), and are found from routing through by_key like any session.
  struct link_entry {
    std::unique_ptr<session_state> session;
    std::shared_ptr<local_link> link;
    link_options options;
  };
  std::unordered_map<link_id, link_entry> links;
  std::unordered_map<const session_state*, link_entry*> link_of; // empty unless links exist
  std::unordered_map<session_state*, congestion> congested;
  std::unordered_map<connection_id, std::uint32_t> paused; // publisher -> sessions holding it
  time_point started{};
  bool started_set = false;
  time_point next_sys{};
  // $SYS (sys_topics.cpp): clients connected now and at most, mosquitto's load averages, and
  // the value each topic last had (a topic is published again only when it changes).
  std::size_t connected_now = 0, connected_max = 0;
  struct load_average {
    double per_minute[3]{}; // over 1, 5 and 15 minutes
    std::uint64_t last = 0; // the counter at the previous update
  };
  std::array<load_average, 6> loads{};
  std::array<std::uint64_t, 6> load_counters() const; // the totals the loads follow, in order
  time_point last_sys{};
  std::unordered_map<std::string, std::string> sys_values;
  std::size_t sys_retained_bytes = 0; // of the $SYS messages retained: not the clients' to count
  topic::match_result scratch;
  connection* publisher = nullptr; // whose PUBLISH is being routed, for backpressure
  std::vector<log_entry> log;
  // Why the core is closing a connection, for its disconnect line (only when connections are
  // logged); taken by on_closed().
  std::unordered_map<connection_id, std::string> close_reasons;
  // The client id of the CONNECT being decided, for refuse()'s log line.
  std::string_view connecting_id;
  // Drops since the last tick, by reason and client (0: none named), for one log line each.
  struct drop_tally {
    std::uint64_t count = 0;
    std::string client;
  };
  std::map<std::pair<drop_reason, std::uint64_t>, drop_tally> drops_since_tick;
  // The journal (journal.cpp): records since take_journal(), message ids, the wall clock.
  std::vector<journal_record> journal;
  message_id next_message_id = 1;
  message_id last_stored = 0; // the last message_stored's id: a fan-out stores its body once
  // The message_fanout at the journal's end while copies join it (its clients still null): the
  // first `fanout_same` clients are those of `fanout_last`, the list of the fan-out before,
  // until one differs; from then on `fanout_list` holds them all (journal.cpp).
  bool fanout_open = false;
  std::size_t fanout_same = 0;
  std::vector<std::string> fanout_list;
  std::shared_ptr<const std::vector<std::string>> fanout_last;
  std::chrono::system_clock::duration wall_offset{}; // wall clock minus steady clock
  // QoS 1/2 deliveries through session queues, for check_invariants(): each one entered leaves
  // the queue into the window (or refused), or ends with its session.
  struct {
    std::uint64_t entered = 0, left = 0, ended = 0;
  } audit;

  connection* find(connection_id c);
  // mount_point (mount_points.cpp): the prefix of `c`'s listener, and a client's filter under it.
  std::string_view mount_of(const connection& c) const {
    return c.listener < cfg.mount_points.size() ? std::string_view(cfg.mount_points[c.listener])
                                                : std::string_view();
  }
  std::string mounted_filter(std::string_view mount, const std::string& filter) const;
  // Large packets (large_packets.cpp): after bytes were read from `c`, admits, holds or releases
  // its large packet; closing connections and the tick give their room back.
  static constexpr std::size_t large_packet = std::size_t{1} << 20;
  void check_large(connection& c, time_point now);
  void release_large(connection_id id);
  void check_large_pace(time_point now);
  // The log (log_lines.cpp)
  void say(log_level level, std::string text) { log.push_back({level, std::move(text)}); }
  /// A line about connection `c`: its peer's address goes where `peer_at` points.
  void say_about(const connection& c, log_level level, std::string text, std::size_t peer_at);
  /// Why `c` is being closed, for its disconnect line; the first reason given wins.
  void note_close(const connection& c, std::string why);
  void log_connected(const connection& c, const codec::connect& p, bool present);
  void log_refused(const connection& c, reason_code rc, std::string_view why);
  /// A connection closed before a CONNECT of it was accepted (no CONNACK: it never was a client).
  void log_unaccepted(const connection& c, const std::string& why);
  void log_closed(const connection& c, std::string_view transport_why);
  void log_subscribe(const session_state& s, const codec::subscribe& p, const codec::suback& ack);
  // Output (broker_core.cpp)
  void send(connection& c, const codec::packet& p);
  void mark_ready(connection& c);
  void close(connection& c, std::optional<reason_code> disconnect_reason,
             std::string_view why = {});
  void protocol_error(connection& c, std::error_code ec);
  // While the store fails (publish.cpp): whether accepting `p` from `s` must be saved, and the
  // refusal of a PUBLISH that must.
  bool must_save(const session_state& s, const codec::publish& p);
  void refuse_unsaved(connection& c, const codec::publish& p);
  void connection_gone(connection& c, time_point now);
  void check_timers(time_point now);
  // Packets (connect.cpp, publish.cpp, subscribe.cpp)
  void on_packet(connection& c, codec::packet& p, time_point now);
  void on_connect(connection& c, codec::connect& p, time_point now);
  void on_verdict(connection& c, codec::connect& p, verdict v, time_point now,
                  const auth_answer* exchanged = nullptr);
  void finish_connect(connection& c, codec::connect& p, time_point now,
                      const auth_answer* exchanged = nullptr);
  auth_request request_of(const connection& c, const codec::connect& p) const;
  void on_exchange(connection& c, codec::connect& p, auth_answer a, time_point now);
  void on_auth(connection& c, const codec::auth& a, time_point now);
  /// Decodes and handles what `c` has buffered or was fed, until more bytes are needed.
  void read_packets(connection& c, time_point now);
  client_ref who(const session_state& s) const;
  void refuse(connection& c, codec::protocol_version v, reason_code rc, std::string_view why = {});
  void bad_connect(connection& c, std::error_code ec);
  session_state& attach_session(connection& c, const codec::connect& p, bool& present,
                                time_point now);
  void end_session(session_state& s);
  void publish_will(codec::will_message w, const session_state& owner, time_point now);
  // Whether the policy lets `owner` publish its will (write access, never into $SYS).
  bool will_allowed(const client_ref& owner, const codec::will_message& w);
  void on_disconnect(connection& c, const codec::disconnect& d);
  void on_publish(connection& c, codec::publish& p, time_point now);
  void on_pubrel(connection& c, const codec::pubrel& p);
  void on_subscribe(connection& c, codec::subscribe& p, time_point now);
  void on_unsubscribe(connection& c, const codec::unsubscribe& p);
  // Subscriptions, for clients and links (subscribe.cpp)
  /// Records `filter` for `s` in the trie and the session; true when it is new.
  bool add_subscription(session_state& s, const std::string& filter,
                        codec::subscribe_options options, std::uint32_t sub_id);
  bool remove_subscription(session_state& s, const std::string& filter);
  /// Retained messages for a subscription just made, as its Retain Handling says.
  void send_retained(session_state& s, const std::string& filter, codec::subscribe_options options,
                     std::uint32_t sub_id, bool added, time_point now);
  // The journal (journal.cpp); each call records only what is durable.
  wall_time to_wall(time_point t) const;
  time_point from_wall(wall_time w) const;
  /// A session's CONNECT is complete: it starts, goes on, or stops being journaled.
  void journal_connect(session_state& s);
  /// Everything `s` holds, for a session journaled from now on.
  void journal_contents(const session_state& s);
  void journal_session(const session_state& s);
  void journal_closed(const session_state& s);
  void journal_body(message_id id, const message_ptr& msg);
  void journal_queued(const session_state& s, const outbound_message& o);
  void journal_retained(const message_ptr& msg, std::optional<time_point> expires, message_id id);
  void journal_counters(); // the totals, when due (take_journal)
  void fanout_add(const std::string& client);
  void fanout_close();
  template <class Record>
  void record(Record r) {
    if (fanout_open) fanout_close();
    journal.emplace_back(std::move(r));
  }
  // Routing and delivery (delivery.cpp)
  void accept(message_ptr msg, session_state* from, time_point now);
  bool retain_fits(const codec::publish& msg) const;
  void route(const message_ptr& msg, message_id id, session_state* from, time_point now);
  void deliver(session_state& s, outbound_message o, time_point now);
  // An acknowledged link's QoS 1/2 message: through its session's flow (links.cpp).
  void deliver_held(link_entry& l, outbound_message o, time_point now);
  void fill_link(link_entry& l, time_point now, bool resume);
  bool transmit(session_state& s, const outbound_message& o, bool dup, time_point now);
  void drain(session_state& s, time_point now);
  void resend(session_state& s, time_point now);
  /// PUBACK, PUBREC or PUBCOMP (`type`) from a subscriber.
  void on_ack(connection& c, std::uint16_t id, reason_code rc, codec::packet_type type,
              time_point now);
  std::size_t window(const connection& c) const;
  // Backpressure and slow consumers (backpressure.cpp)
  /// `s`'s backlog is over its limits as `msg` comes for it: true to keep `msg` anyway (its
  /// publisher is paused), false when it was dropped (and counted).
  bool over_limits(session_state& s, const codec::publish& msg, bool qos0, time_point now);
  congestion& congestion_of(session_state& s, const std::string& topic, time_point now);
  void hold(congestion& e, connection* publisher);
  /// The budget across sessions is reached: true when the message may still be queued (its
  /// publisher is held back), false when it was dropped (an offline or slow subscriber).
  bool over_budget(session_state& s, connection* c);
  /// Below 90% of the budget again: the held publishers go on, the first held first.
  void release_budget();
  /// `s` took something (an acknowledgement, or bytes written): it may no longer be congested.
  void relieve(session_state& s, bool acknowledged);
  /// `s` holds nothing back any more (drained, offline, or ended): its publishers go on.
  void uncongest(session_state& s);
  void release(congestion& e);
  void let_go(std::vector<connection_id>& holding);
  /// A paused connection whose own session became congested is read again: its reading drains it.
  void unpause(connection& c);
  /// The tick: congested sessions that took nothing become slow consumers; slow ones that kept
  /// up for ten timeouts are well again.
  void check_congestion(time_point now);
  void declare_slow(session_state& s, congestion& e, time_point now);
  bool backlog_over_marks(const session_state& s) const;
  std::string backlog_of(const session_state& s) const;
  void drop(drop_reason r, const session_state* s = nullptr);
  void log_drops();
  // $SYS (sys_topics.cpp)
  void publish_sys(time_point now);
  void update_loads(time_point now);
};

/// Topic levels over the limit make a name or filter unacceptable.
bool too_deep(const state& st, std::string_view topic);
// The broker's own topics [MQTT-4.7.2-1]; no client may publish there.
inline bool is_sys_topic(std::string_view t) {
  return t == "$SYS" || t.starts_with("$SYS/");
}
// Except one: a bridge announces its own link's state (mosquitto's notifications, on by
// default) at $SYS/broker/connection/ITS-CLIENT-ID/state, as its will and when it connects.
// Scoped to the publisher's own id, it cannot speak for another link or for the broker.
inline bool sys_topic_closed_to(std::string_view t, std::string_view client_id) {
  constexpr std::string_view head = "$SYS/broker/connection/", tail = "/state";
  const bool own_state = t.size() == head.size() + client_id.size() + tail.size() &&
                         t.starts_with(head) && t.ends_with(tail) &&
                         t.substr(head.size(), client_id.size()) == client_id;
  return is_sys_topic(t) && !own_state;
}

} // namespace mqtk::broker::detail
