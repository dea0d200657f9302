// SPDX-License-Identifier: MIT
// A bridge: a local link of broker_core on this side, a client::connection on the other.
#include "mqtk/bridge/bridge.hpp"

#include <asio.hpp>
#include <deque>
#include <fmt/format.h>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "endpoints.hpp"

#include "mqtk/bridge/topic_map.hpp"
#include "mqtk/broker/broker_core.hpp"
#include "mqtk/client/connection.hpp"

namespace mqtk::bridge {

using broker::log_level;
using session::clock;

namespace {

// The link's side in the core: messages for the other broker, handed on to the bridge. The core
// calls it inside its own calls, so it only queues (local_link's contract).
struct link_sink final : broker::local_link {
  std::function<void(const session::outbound_message&)> deliver;
  void on_message(const session::outbound_message& m) override { deliver(m); }
};

} // namespace

struct bridge::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& io_, broker::broker_core& core_, bridge_config cfg_, hooks h_)
      : io(io_), core(core_), cfg(std::move(cfg_)), h(std::move(h_)), map(cfg.topics),
        restart_timer(io_), idle_timer(io_), sys_timer(io_), delay(cfg.restart_base),
        jitter(std::random_device{}()) {}

  // The core holds QoS 1/2 messages for the link (saved, with persistence) until the other
  // broker acknowledges them; at most this many are given to the bridge at a time.
  static constexpr std::uint16_t link_window = 1000;

  // A message given by the core: QoS 1/2 ones under the link's packet id (0 for QoS 0).
  struct given {
    std::uint16_t link_id;
    codec::publish message;
  };

  asio::io_context& io;
  broker::broker_core& core;
  bridge_config cfg;
  hooks h;
  topic_map map;
  std::deque<given> waiting;
  std::unordered_map<std::uint16_t, std::uint16_t> link_id_of; // upstream packet id -> link's
  std::unordered_set<std::uint16_t> holding; // link ids waiting or upstream, not acknowledged
  std::vector<client::endpoint> places;
  std::size_t place = 0;
  broker::link_id link = 0;
  std::shared_ptr<link_sink> sink;
  std::shared_ptr<client::connection> conn;
  bool connected = false, stopping = false, pump_posted = false, restart_pending = false;
  asio::steady_timer restart_timer, idle_timer, sys_timer;
  std::chrono::seconds delay;
  std::mt19937 jitter;
  counters c;
  std::uint64_t drops_told = 0;

  void log(log_level l, const std::string& text) {
    if (h.log) h.log(l, "bridge " + cfg.name + ": " + text);
  }
  const std::string& address() const { return cfg.addresses[place % cfg.addresses.size()]; }
  // What the bridge holds for the other broker: waiting here, or in the session unacknowledged.
  std::size_t held() const {
    return waiting.size() + (conn ? conn->session().unacknowledged() : 0);
  }

  void attach() {
    sink = std::make_shared<link_sink>();
    sink->deliver = [w = weak_from_this()](const session::outbound_message& m) {
      if (auto self = w.lock()) self->on_local(m);
    };
    link = core.attach_link(cfg.local_clientid, sink, {true, link_window}, clock::now());
    for (const auto& s : map.local_subscriptions()) {
      codec::subscribe_options o{s.qos};
      o.no_local = true; // what came from the other broker does not go back [MQTT-3.8.3-3]
      o.retain_as_published = cfg.outgoing_retain;
      if (auto r = core.subscribe_link(link, s.filter, o, 0, clock::now()); !r)
        log(log_level::warning, "local topic " + s.filter + " refused: " + r.error().message());
    }
    set_local_state(false);
  }

  // ---- this broker -> the other

  void on_local(const session::outbound_message& m) {
    auto to = map.to_remote(m.message->topic);
    if (!to) { // no rule takes it (a subscription left from an older configuration): done
      if (m.packet_id != 0) // later: the core is inside a delivery now
        asio::post(io, [w = weak_from_this(), id = m.packet_id] {
          if (auto self = w.lock(); self && self->link != 0) {
            self->core.link_acknowledged(self->link, id, clock::now());
            if (self->h.flush) self->h.flush();
          }
        });
      return;
    }
    if (m.packet_id != 0 && !holding.insert(m.packet_id).second) return; // given again: held
    if (m.packet_id == 0 && waiting.size() >= cfg.max_queued + link_window) {
      ++c.dropped;        // QoS 0 while the link is down: the core holds only QoS 1/2
      return post_pump(); // which tells the drops
    }
    codec::publish p = *m.message;
    p.topic = std::move(to->topic);
    p.qos = std::min(m.qos, to->qos);
    p.retain = cfg.outgoing_retain && m.retain;
    p.packet_id = 0;
    p.dup = false;
    p.props.subscription_identifiers.clear();
    p.props.topic_alias.reset();
    waiting.push_back({m.packet_id, std::move(p)});
    if (!conn && !restart_pending && cfg.start == start_type::lazy &&
        waiting.size() >= cfg.threshold)
      connect();
    post_pump();
  }

  void post_pump() {
    if (pump_posted) return;
    pump_posted = true;
    asio::post(io, [w = weak_from_this()] {
      if (auto self = w.lock()) {
        self->pump_posted = false;
        self->pump();
      }
    });
  }

  // Hands waiting messages to the session while it is connected, has room, and its output is
  // not piling up (the drained handler calls again). The session numbers, sends, resends after
  // a reconnection (with DUP, and PUBREL where a QoS 2 exchange stood) and reports each one.
  void pump() {
    tell_drops();
    if (!connected || !conn) return;
    auto& ses = conn->session();
    // Within the other broker's Receive Maximum a QoS 1/2 message goes out at once and gets its
    // packet id, which the acknowledgement names.
    while (!waiting.empty() && ses.current_state() == session::client_session::state::connected &&
           ses.unacknowledged() < ses.limits().receive_maximum && !conn->backlogged())
      send_first(ses);
    if (waiting.empty() && held() == 0 && cfg.start == start_type::lazy) arm_idle();
  }

  void send_first(session::client_session& ses) {
    auto g = std::move(waiting.front());
    waiting.pop_front();
    g.message.qos = std::min(g.message.qos, ses.limits().maximum_qos); // its Maximum QoS
    const auto topic = g.message.topic;
    const auto qos = g.message.qos;
    const auto r = conn->publish(std::move(g.message));
    if (!r) { // too large, retain not supported there: it can never go
      ++c.dropped;
      log(log_level::warning, fmt::format("{} not forwarded: {}", topic, r.error().message()));
      return release(g.link_id);
    }
    // Id 0 for QoS 1/2 means it waits in the session (not expected within its window): its
    // acknowledgement cannot be matched, and the core gives it again once that session ends.
    if (qos > 0) {
      if (*r != 0) link_id_of[*r] = g.link_id;
      return;
    }
    ++c.sent;
    release(g.link_id); // QoS 0 there (the other broker's Maximum QoS): written is done
  }

  // The link's message is done with (acknowledged there, or refused): the core forgets it.
  void release(std::uint16_t link_id) {
    if (link_id == 0) return;
    holding.erase(link_id);
    core.link_acknowledged(link, link_id, clock::now());
    if (h.flush) h.flush(); // the acknowledgement's journal record, and what it lets go
  }

  // Drops are counted per message and told once per burst, never per message.
  void tell_drops() {
    if (c.dropped == drops_told) return;
    log(log_level::warning, fmt::format("{} message(s) for the other broker dropped (queue of {} "
                                        "full, or refused there)",
                                        c.dropped - drops_told, cfg.max_queued));
    drops_told = c.dropped;
  }

  // ---- the other broker -> this one

  void on_remote(const codec::publish& m) {
    if (auto to = map.to_local(m.topic)) {
      codec::publish p = m;
      p.topic = std::move(to->topic);
      p.qos = std::min(p.qos, to->qos);
      if (auto r = core.publish(std::move(p), link, clock::now()); r) ++c.received;
      if (h.flush) h.flush();
    }
    // Acknowledged once the core has routed it (not yet once a durable subscriber's copy is
    // saved: docs/bridges.md, "Not yet").
    conn->session().acknowledge(m, clock::now());
  }

  // ---- the link's life

  client::reconnect_policy restarts() const;
  void connect();
  void on_event(const session::client_event& e);
  void on_connected(const codec::connack& ack);
  void on_lost(const std::string& notice);
  void on_closed(const session::event::closed& e);
  void schedule_restart();
  void arm_idle();
  void set_local_state(bool up);
  void publish_sys();
  void arm_sys();
};

// Within one session (after its first CONNACK) the connection reconnects by itself and the
// session resumes; restart_timeout's forms as its back-off.
client::reconnect_policy bridge::impl::restarts() const {
  client::reconnect_policy r;
  r.enabled = cfg.start == start_type::automatic;
  r.first_delay = cfg.restart_base;
  r.max_delay = cfg.restart_backoff ? cfg.restart_cap : cfg.restart_base;
  r.jitter = cfg.restart_backoff;
  return r;
}

void bridge::impl::connect() {
  if (stopping) return;
  restart_pending = false;
  session::client_config sc;
  auto& p = sc.connect;
  p.version = cfg.mqtt5 ? codec::protocol_version::v5 : codec::protocol_version::v311;
  p.client_id = cfg.remote_clientid;
  p.clean_start = cfg.cleansession;
  p.keep_alive = cfg.keepalive;
  p.username = cfg.remote_username;
  p.password = cfg.remote_password;
  p.bridge = cfg.try_private && !cfg.mqtt5; // v5 bridges say it with subscription options
  if (cfg.mqtt5 && !cfg.cleansession) p.props.session_expiry_interval = 0xFFFFFFFF;
  if (cfg.notifications && !cfg.notifications_local_only)
    p.will = codec::will_message{cfg.notification_topic, "0", 1, true, {}};
  sc.manual_ack = true;
  sc.topic_aliases = true; // long remote names (prefixes) cost once per topic, not per message
  if (cfg.max_packet_size != 0) sc.max_packet_size = cfg.max_packet_size;
  conn = std::make_shared<client::connection>(io, std::move(sc), places[place % places.size()]);
  if (h.trace)
    conn->set_trace([w = weak_from_this()](const std::string& line) {
      if (auto self = w.lock()) self->h.trace("bridge " + self->cfg.name + " " + line);
    });
  conn->set_reconnect(restarts(), [w = weak_from_this()](const std::string& notice) {
    if (auto self = w.lock()) self->on_lost(notice);
  });
  conn->set_drained_handler([w = weak_from_this()] {
    if (auto self = w.lock()) self->post_pump();
  });
  conn->start([w = weak_from_this()](const session::client_event& e) {
    if (auto self = w.lock()) self->on_event(e);
  });
}

void bridge::impl::on_event(const session::client_event& e) {
  if (const auto* k = std::get_if<session::event::connected>(&e)) return on_connected(k->ack);
  if (const auto* m = std::get_if<session::event::message>(&e)) return on_remote(m->message);
  if (const auto* d = std::get_if<session::event::publish_done>(&e)) {
    is_failure(d->code) ? ++c.dropped : ++c.sent;
    if (const auto it = link_id_of.find(d->packet_id); it != link_id_of.end()) {
      const auto id = it->second;
      link_id_of.erase(it);
      release(id);
    }
    return post_pump();
  }
  if (const auto* s = std::get_if<session::event::subscribe_done>(&e)) {
    for (const auto code : s->ack.codes)
      if (is_failure(code))
        log(log_level::warning,
            fmt::format("a subscription at {} was refused: {}", address(), name(code)));
    return;
  }
  if (const auto* x = std::get_if<session::event::closed>(&e)) return on_closed(*x);
}

void bridge::impl::on_connected(const codec::connack& ack) {
  connected = true;
  delay = cfg.restart_base;
  log(log_level::notice,
      fmt::format("connected to {} as {} (MQTT {}{})", address(), cfg.remote_clientid,
                  cfg.mqtt5 ? "5" : "3.1.1", ack.session_present ? ", session resumed" : ""));
  std::vector<codec::subscription> subs;
  for (const auto& s : map.remote_subscriptions()) {
    codec::subscribe_options o{s.qos};
    o.no_local = cfg.mqtt5;            // [MQTT-3.8.3-3]; 3.1.1 has try_private instead
    o.retain_as_published = cfg.mqtt5; // so a retained message stays retained here
    subs.push_back({s.filter, o});
  }
  if (!subs.empty())
    if (auto r = conn->subscribe(std::move(subs), {}); !r)
      log(log_level::warning, "cannot subscribe there: " + r.error().message());
  if (cfg.notifications && !cfg.notifications_local_only)
    (void)conn->publish(codec::publish{cfg.notification_topic, "1", 0, 1, true, false, {}});
  set_local_state(true);
  pump();
}

// The connection lost its link and will try again by itself (`notice` says when); the session
// and what it holds go on. With round_robin false the main address is tried first again.
void bridge::impl::on_lost(const std::string& notice) {
  if (stopping) return;
  const bool was_up = connected;
  connected = false;
  log(log_level::notice, fmt::format("{} ({})", notice, address()));
  place = cfg.round_robin || !was_up ? place + 1 : 0;
  conn->set_endpoint(places[place % places.size()]);
  if (was_up) set_local_state(false);
}

// The connection ended for good (refused, or never connected): what its session held goes back
// to the front of the queue, and a new connection starts after restart_timeout.
void bridge::impl::on_closed(const session::event::closed& e) {
  const bool was_up = connected;
  connected = false;
  // What the ended session held, the core holds too and gives again, in order; but a QoS 2
  // message the other broker PUBREC'd is there already: done, not sent twice.
  for (const auto id : conn->session().take_unacknowledged().received)
    if (const auto it = link_id_of.find(id); it != link_id_of.end()) release(it->second);
  link_id_of.clear();
  holding.clear();
  std::erase_if(waiting, [](const given& g) { return g.link_id != 0; });
  if (!stopping && link != 0) {
    core.resume_link(link, clock::now());
    if (h.flush) h.flush();
  }
  // Not destroyed inside its own callback: it goes once this event has returned.
  asio::post(io, [old = std::move(conn)] {});
  if (stopping) return;
  if (was_up) set_local_state(false);
  std::string why = e.error ? e.error.message() : "closed";
  if (e.reason_string) why += " (" + *e.reason_string + ")";
  log(log_level::notice,
      fmt::format("{} {}: {}", was_up ? "connection ended with" : "cannot connect to", address(),
                  why));
  place = cfg.round_robin || !was_up ? place + 1 : 0;
  if (cfg.start == start_type::once)
    return log(log_level::notice, "start_type once: not restarted");
  if (cfg.start == start_type::lazy && waiting.size() < cfg.threshold) return;
  schedule_restart();
}

// mosquitto's restart_timeout: a constant, or "decorrelated jitter" from base up to cap.
void bridge::impl::schedule_restart() {
  auto wait = cfg.restart_base;
  if (cfg.restart_backoff) {
    const auto hi = std::max(cfg.restart_base.count(), delay.count() * 3);
    std::uniform_int_distribution<std::int64_t> pick(cfg.restart_base.count(), hi);
    wait = std::min(cfg.restart_cap, std::chrono::seconds(pick(jitter)));
    delay = wait;
  }
  log(log_level::information, fmt::format("next attempt in {} s, to {}", wait.count(), address()));
  restart_pending = true;
  restart_timer.expires_after(wait);
  restart_timer.async_wait([w = weak_from_this()](const std::error_code& ec) {
    if (auto self = w.lock(); self && !ec && !self->conn) self->connect();
  });
}

void bridge::impl::arm_idle() {
  idle_timer.expires_after(cfg.idle_timeout);
  idle_timer.async_wait([w = weak_from_this()](const std::error_code& ec) {
    auto self = w.lock();
    if (!self || ec || !self->connected || self->held() != 0) return;
    self->log(log_level::notice, "idle (start_type lazy): disconnecting");
    self->conn->disconnect();
  });
}

void bridge::impl::set_local_state(bool up) {
  c.connected = up;
  if (cfg.notifications)
    (void)core.publish(
        codec::publish{cfg.notification_topic, up ? "1" : "0", 0, 1, true, false, {}}, link,
        clock::now());
  publish_sys();
}

void bridge::impl::publish_sys() {
  if (h.sys_interval == 0 || link == 0) return;
  const std::string at = "$SYS/broker/bridge/" + cfg.name + "/";
  const auto put = [&](const char* what, const std::string& v) {
    (void)core.publish(codec::publish{at + what, v, 0, 0, true, false, {}}, link, clock::now());
  };
  put("state", c.connected ? "connected" : "disconnected");
  put("queued", std::to_string(held()));
  put("sent", std::to_string(c.sent));
  put("received", std::to_string(c.received));
  put("dropped", std::to_string(c.dropped));
  if (h.flush) h.flush();
}

void bridge::impl::arm_sys() {
  if (h.sys_interval == 0) return;
  sys_timer.expires_after(std::chrono::seconds(h.sys_interval));
  sys_timer.async_wait([w = weak_from_this()](const std::error_code& ec) {
    if (auto self = w.lock(); self && !ec) {
      self->publish_sys();
      self->arm_sys();
    }
  });
}

std::string check(const bridge_config& cfg) {
  std::shared_ptr<transport::tls_context> tls;
  for (const auto& a : cfg.addresses)
    if (std::string why; !endpoint_of(a, cfg, tls, why)) return why;
  return {};
}

bridge::bridge(asio::io_context& io, broker::broker_core& core, bridge_config cfg, hooks h)
    : impl_(std::make_shared<impl>(io, core, std::move(cfg), std::move(h))) {}

bridge::~bridge() {
  stop();
}

result<void> bridge::start(std::string& why) {
  auto& m = *impl_;
  std::shared_ptr<transport::tls_context> tls;
  for (const auto& a : m.cfg.addresses) {
    auto e = endpoint_of(a, m.cfg, tls, why);
    if (!e) return unexpected(e.error());
    m.places.push_back(std::move(*e));
  }
  m.attach();
  m.arm_sys();
  if (m.cfg.start != start_type::lazy) m.connect();
  return {};
}

void bridge::stop() {
  auto& m = *impl_;
  if (m.stopping) return;
  m.stopping = true;
  m.restart_pending = false;
  m.restart_timer.cancel();
  m.idle_timer.cancel();
  m.sys_timer.cancel();
  if (m.conn && m.connected) {
    if (m.cfg.notifications && !m.cfg.notifications_local_only) // as a will would have said
      (void)m.conn->publish(codec::publish{m.cfg.notification_topic, "0", 0, 1, true, false, {}});
    m.conn->disconnect();
  } else if (m.conn) {
    m.conn->abort();
  }
  if (m.link != 0) {
    m.set_local_state(false);
    m.core.detach_link(m.link);
    m.link = 0;
  }
}

counters bridge::stats() const {
  auto c = impl_->c;
  c.queued = impl_->held();
  return c;
}

const bridge_config& bridge::config() const {
  return impl_->cfg;
}

} // namespace mqtk::bridge
