// SPDX-License-Identifier: MIT
// Internal: the broker's connections, sessions and the operations on them.
#pragma once

#include <array>
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
#include "mqtk/topic/retained_store.hpp"
#include "mqtk/topic/subscription_trie.hpp"
#include "mqtk/topic/topic_alias.hpp"

namespace mqtk::broker::detail {

using message_ptr = std::shared_ptr<const codec::publish>;
using session::duration;

/// One message on its way to one subscriber: the shared message plus this subscriber's fields.
struct outgoing {
  message_ptr msg;
  std::uint8_t qos = 0;
  bool retain = false;
  std::vector<std::uint32_t> sub_ids;
  std::optional<time_point> expires_at; ///< from the Message Expiry Interval
  std::uint16_t packet_id = 0;
  bool released = false; ///< QoS 2: PUBREC received, PUBREL sent, awaiting PUBCOMP
};

struct subscription_record {
  codec::subscribe_options options;
  std::uint32_t id = 0;
};

struct connection;

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

/// A session's QoS 1/2 traffic: made on first use, so an idle session holds one pointer.
struct traffic {
  std::list<outgoing> inflight; // in send order, for in-order resend [MQTT-4.6.0-1]
  // The ids in use are this map's keys: the packet ids of inflight, for acknowledgements.
  std::unordered_map<std::uint16_t, std::list<outgoing>::iterator> inflight_by_id;
  // Waiting for window room or for the client to return. A list, not a deque: libstdc++'s deque
  // allocates about 600 bytes even when empty.
  std::list<outgoing> queue;
  std::size_t queued_bytes = 0;
  std::unordered_set<std::uint16_t> inbound_qos2; // PUBREC sent, PUBREL awaited
  std::uint16_t last_id = 0;                      // the last packet id handed out
};

/// State that may outlive a connection (section 4.1). Fields are ordered to pack: an idle
/// session's size is part of what the S7 benchmark measures.
struct session_state {
  std::string client_id;
  std::uint64_t key = 0;
  connection* conn = nullptr;
  lazy<std::map<std::string, subscription_record, std::less<>>> subscriptions;
  lazy<traffic> flow;
  std::optional<time_point> expires_at;
  // Design: wills live on the heap. A will_message with its properties is ~700 bytes, and an
  // inline optional would cost every idle connection and session that much.
  std::unique_ptr<codec::will_message> delayed_will;
  std::optional<time_point> will_at;
  std::uint32_t expiry = 0; // seconds after disconnect; 0xFFFFFFFF: never
  codec::protocol_version version = codec::protocol_version::v5;
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
  std::uint32_t client_max_packet = codec::max_packet_size_limit;
  std::uint16_t client_receive_maximum = 65'535;
  std::uint16_t alias_max = 0; // Topic Alias Maximum we announced (v5)
  std::uint8_t first_len = 0;  // bytes in first_bytes
  // The small fields together: an idle connection's size is what S7 measures.
  enum class phase : std::uint8_t {
    awaiting_connect,
    connected,
    closing
  } phase = phase::awaiting_connect;
  bool listed_ready = false;
  bool send_will = true; // cleared by a normal DISCONNECT [MQTT-3.14.4-3]
  bool paused = false;
  codec::protocol_version version() const { return decoder.version(); }
};

struct state {
  explicit state(config c);

  config cfg;
  stats st;
  std::unordered_map<connection_id, std::unique_ptr<connection>> conns;
  // Keyed by a view of the session's own client_id: one copy of each id, not two.
  std::unordered_map<std::string_view, std::unique_ptr<session_state>> sessions;
  std::unordered_map<std::uint64_t, session_state*> by_key;
  topic::subscription_trie trie;
  topic::retained_store retained;
  connection_id next_conn = 1;
  std::uint64_t next_key = 1;
  std::uint64_t next_assigned_id = 1;
  std::vector<connection_id> ready, closing, resumed;
  std::set<connection_id> paused;
  std::set<session_state*> congested;
  time_point started{};
  bool started_set = false;
  time_point next_sys{};
  topic::match_result scratch;
  connection* publisher = nullptr; // whose PUBLISH is being routed, for backpressure
  std::vector<std::string> log;
  std::map<std::string, std::uint64_t, std::less<>> drops_since_tick; // reason -> count
  std::unordered_map<std::string, time_point> retained_expiry;        // topic -> when it expires

  connection* find(connection_id c);
  // Output (broker_core.cpp)
  void send(connection& c, const codec::packet& p);
  void mark_ready(connection& c);
  void close(connection& c, std::optional<reason_code> disconnect_reason,
             std::string_view why = {});
  void protocol_error(connection& c, std::error_code ec);
  void connection_gone(connection& c, time_point now);
  void check_timers(time_point now);
  // Packets (connect.cpp, publish.cpp, subscribe.cpp)
  void on_packet(connection& c, codec::packet& p, time_point now);
  void on_connect(connection& c, codec::connect& p, time_point now);
  void refuse(connection& c, codec::protocol_version v, reason_code rc, std::string_view why = {});
  void bad_connect(connection& c, std::error_code ec);
  session_state& attach_session(connection& c, const codec::connect& p, bool& present,
                                time_point now);
  void end_session(session_state& s);
  void publish_will(codec::will_message w, time_point now);
  void on_disconnect(connection& c, const codec::disconnect& d);
  void on_publish(connection& c, codec::publish& p, time_point now);
  void on_pubrel(connection& c, const codec::pubrel& p);
  void on_subscribe(connection& c, codec::subscribe& p, time_point now);
  void on_unsubscribe(connection& c, const codec::unsubscribe& p);
  // Routing and delivery (delivery.cpp)
  void accept(message_ptr msg, session_state* from, time_point now);
  void route(const message_ptr& msg, session_state* from, time_point now);
  void deliver(session_state& s, outgoing o, time_point now);
  bool transmit(session_state& s, outgoing& o, bool dup, time_point now);
  void drain(session_state& s, time_point now);
  void drain_queue(session_state& s, traffic& f, connection& c, time_point now);
  void resend(session_state& s, time_point now);
  void on_ack(connection& c, std::uint16_t id, reason_code rc, codec::packet_type type,
              time_point now);
  void note_congestion(session_state& s, connection* publisher);
  void relieve(session_state& s);
  std::size_t window(const connection& c) const;
  void drop(std::string_view why);
  void log_drops();
  // $SYS (sys_topics.cpp)
  void publish_sys(time_point now);
};

/// Topic levels over the limit make a name or filter unacceptable.
bool too_deep(const state& st, std::string_view topic);

} // namespace mqtk::broker::detail
