// SPDX-License-Identifier: MIT
// The client side of an MQTT connection as a sans-IO state machine: bytes and `now` in, bytes to
// write and events out. Shared by mqtk-pub, mqtk-sub and mqtk-bench.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include "mqtk/codec/decoder.hpp"
#include "mqtk/codec/forward.hpp"
#include "mqtk/codec/packets.hpp"
#include "mqtk/session/enhanced_auth.hpp"
#include "mqtk/session/flow.hpp"
#include "mqtk/session/keep_alive.hpp"
#include "mqtk/session/time.hpp"
#include "mqtk/topic/topic_alias.hpp"

namespace mqtk::session {

struct client_config {
  /// The CONNECT to send: version, client id, clean start, keep alive, will, credentials and
  /// v5 properties (Receive Maximum, Maximum Packet Size, Topic Alias Maximum are honoured).
  codec::connect connect;
  /// How long to wait for CONNACK.
  duration connack_timeout = std::chrono::seconds(10);
  /// At most this many QoS 1/2 publishes in flight (0: as many as the server's Receive Maximum).
  std::uint16_t max_inflight = 0;
  /// MQTT 5 enhanced authentication (e.g. SCRAM), or null: its method and first data go in
  /// each CONNECT, the server's AUTH steps are answered, and its CONNACK data must satisfy it.
  std::shared_ptr<enhanced_auth> auth;
  /// QoS 1/2 messages are acknowledged (PUBACK, PUBREC) only when the caller says so with
  /// acknowledge(), e.g. once it has written them out: a tool that stops after N messages
  /// must not acknowledge the N+1st, which the server then keeps for the next run.
  bool manual_ack = false;
  /// The largest packet taken from the server; a larger one ends the connection (0x95 Packet
  /// too large). MQTT 5 announces it (Maximum Packet Size in CONNECT) so the server drops such
  /// messages instead [MQTT-3.1.2-25]; 3.1.1 has no way to say it.
  std::uint32_t max_packet_size = codec::max_packet_size_limit;
  /// MQTT 5: give topics of 8 bytes or more Topic Aliases, up to the server's Topic Alias
  /// Maximum, the least recently used giving its slot up (a bridge's long topic names); a
  /// message that names an alias of its own is sent as it is.
  bool topic_aliases = false;
};

/// What the server allows, from CONNACK (defaults are the spec's when a property is absent).
struct server_limits {
  std::uint16_t receive_maximum = 65'535;
  std::uint8_t maximum_qos = 2;
  bool retain_available = true;
  std::uint32_t maximum_packet_size = codec::max_packet_size_limit;
  std::uint16_t topic_alias_maximum = 0;
  bool wildcard_available = true;
  bool subscription_ids_available = true;
  bool shared_available = true;
};

namespace event {
/// CONNACK with Success: the session is up.
struct connected {
  codec::connack ack;
};
/// A PUBLISH from the server (Topic Alias already resolved into `message.topic`).
struct message {
  codec::publish message;
};
/// A QoS 1/2 publish finished: PUBACK, PUBCOMP, or a PUBREC with a failure code.
struct publish_done {
  std::uint16_t packet_id;
  reason_code code;
  std::optional<std::string> reason_string;
};
struct subscribe_done {
  codec::suback ack;
};
struct unsubscribe_done {
  codec::unsuback ack;
};
/// The connection must end. `error` says why: a reason_code (CONNACK refusal, the server's
/// DISCONNECT, or what this side sent), an mqtk::errc for a malformed packet, std::errc::timed_out
/// for a missing CONNACK. `by_server` tells who ended it; `reason_string` is the server's.
struct closed {
  std::error_code error;
  bool by_server = false;
  std::optional<std::string> reason_string;
  std::optional<std::string> server_reference;
};
} // namespace event

using client_event = std::variant<event::connected, event::message, event::publish_done,
                                  event::subscribe_done, event::unsubscribe_done, event::closed>;

/// One client connection's protocol state. The caller moves bytes: it feeds what it reads to
/// on_bytes(), writes what take_output() returns, calls on_tick() at next_deadline(), and handles
/// the events it drains. Unacknowledged messages survive on_connection_lost() and are resent after
/// the next start() [MQTT-4.4.0-1].
/// Thread safety: none; one session per connection, used from one thread.
class client_session {
public:
  explicit client_session(client_config config);

  /// Starts a (re)connection: queues CONNECT and arms the CONNACK timeout.
  void start(time_point now);
  /// Bytes read from the connection. Emits: message, publish_done, subscribe_done,
  /// unsubscribe_done, connected, closed; queues acknowledgements and pending publishes.
  void on_bytes(byte_view bytes, time_point now);
  /// Timers: CONNACK timeout, keep-alive PINGREQ, PINGRESP timeout (emits closed).
  void on_tick(time_point now);
  /// The transport lost the connection: keeps in-flight messages for resend after start().
  void on_connection_lost();

  /// Queues a publish. Returns the packet id when a QoS 1/2 message went out at once; 0 for
  /// QoS 0 and for a message that waits (for CONNACK, or for room in the window: Receive
  /// Maximum, max_inflight), which gets its id when it is sent. publish_done names that id.
  /// Errors: qos_not_supported / retain_not_supported (the server said so), packet_too_large (over
  /// the server's maximum), errc::topic_name_invalid, encoder errors.
  result<std::uint16_t> publish(codec::publish message, time_point now);
  /// Sends SUBSCRIBE (or queues it until CONNACK); returns its packet id.
  result<std::uint16_t> subscribe(std::vector<codec::subscription> topics, codec::properties props,
                                  time_point now);
  /// Sends UNSUBSCRIBE (or queues it until CONNACK); returns its packet id.
  result<std::uint16_t> unsubscribe(std::vector<std::string> filters, codec::properties props,
                                    time_point now);
  /// Sends DISCONNECT with `code` (v5; 3.1.1 sends a plain DISCONNECT) and emits closed.
  void disconnect(reason_code code, codec::properties props, time_point now);
  /// With client_config::manual_ack: acknowledges a QoS 1/2 message an event delivered (PUBACK,
  /// or PUBREC). A no-op for QoS 0, without manual_ack, or when not connected.
  void acknowledge(const codec::publish& m, time_point now);

  /// Moves the bytes to write into `out` (cleared first), so buffers can be swapped, not copied.
  void take_output(buffer& out);
  bool has_output() const noexcept { return !out_.empty(); }
  std::size_t output_size() const noexcept { return out_.size(); }
  /// Events since the last call, in order.
  std::vector<client_event> take_events();
  /// When on_tick() has work next; nullopt when nothing is armed.
  std::optional<time_point> next_deadline() const noexcept;

  enum class state { idle, connecting, connected, closed };
  state current_state() const noexcept { return state_; }
  const server_limits& limits() const noexcept { return limits_; }
  codec::protocol_version version() const noexcept { return config_.connect.version; }
  /// QoS 1/2 publishes sent and not yet acknowledged, plus those waiting for window room.
  std::size_t unacknowledged() const noexcept { return flow_.inflight().size() + flow_.queued(); }
  /// What a session held when a caller goes on with a new one (a bridge whose link ended for
  /// good): the QoS 1/2 messages the server has not taken, in the order they were given, and
  /// the packet ids of QoS 2 messages it has taken (PUBREC'd, PUBCOMP outstanding).
  struct unfinished {
    std::vector<codec::publish> messages;
    std::vector<std::uint16_t> received;
  };
  unfinished take_unacknowledged();
  /// The QoS state (in flight, waiting, inbound QoS 2), for saving or inspecting it.
  const flow& qos_flow() const noexcept { return flow_; }

private:
  struct wire; // the flow's output: encodes into out_ and raises events

  void send(const codec::packet& p, time_point now);
  /// Sends SUBSCRIBE/UNSUBSCRIBE `p` holding `id`, or queues it until CONNACK.
  result<std::uint16_t> request(codec::packet p, std::uint16_t id, time_point now);
  void send_publish(const outbound_message& m, bool dup, time_point now);
  /// A QoS 0 PUBLISH, with a Topic Alias when one is due.
  void send_qos0(const codec::publish& m, time_point now);
  /// Writes `m` with `f`, choosing its Topic Alias first when config_.topic_aliases allows.
  std::error_code write_publish(const codec::publish& m, codec::forward_fields f);
  void fill_window(time_point now);
  std::size_t window() const noexcept;
  void close(std::error_code ec, bool by_server, time_point now, bool send_disconnect);
  void on_auth(const codec::auth& a, time_point now);
  void on_connack(const codec::connack& ack, time_point now);
  void handle(codec::packet& p, time_point now);
  void on_publish(codec::publish& p, time_point now);
  void protocol_violation(std::error_code ec, time_point now);
  bool refused_as_311(byte_view bytes) const noexcept;

  client_config config_;
  state state_ = state::idle;
  server_limits limits_;
  codec::stream_decoder decoder_;
  buffer out_;
  std::vector<client_event> events_;
  std::set<std::uint16_t> unacked_qos2_; // manual_ack: delivered, PUBREC not yet sent
  flow flow_;
  std::deque<codec::packet> before_connack_; // QoS 0, SUBSCRIBE, UNSUBSCRIBE queued early
  topic::inbound_aliases inbound_aliases_;
  std::optional<topic::outbound_aliases> sent_aliases_; // per connection, from CONNACK
  client_keep_alive keep_alive_;
  std::optional<time_point> connack_deadline_;
  bool awaiting_first_bytes_ = false; // nothing read yet on this connection
};

} // namespace mqtk::session
