// SPDX-License-Identifier: MIT
// broker_core: connection lifecycle, output hand-off, closing and the periodic checks.
#include "mqtk/broker/broker_core.hpp"

#include <algorithm>
#include <tuple>

#include "mqtk/codec/encoder.hpp"
#include "mqtk/core/errc.hpp"
#include "mqtk/session/keep_alive.hpp"
#include "mqtk/topic/validate.hpp"
#include "state.hpp"

namespace mqtk::broker {
namespace detail {

state::state(config c)
    : cfg(std::move(c)), policy(std::make_shared<open_policy>(cfg.allow_anonymous)) {}

connection* state::find(connection_id c) {
  const auto it = conns.find(c);
  return it == conns.end() ? nullptr : it->second.get();
}

bool too_deep(const state& st, std::string_view topic) {
  return topic::level_count(topic) > st.cfg.lim.max_topic_levels;
}

void state::mark_ready(connection& c) {
  if (c.listed_ready || c.out.empty()) return;
  c.listed_ready = true;
  ready.push_back(c.id);
}

void state::send(connection& c, const codec::packet& p) {
  if (c.phase == connection::phase::closing) return;
  if (auto r = codec::encode(p, c.version(), c.out.bytes); !r) return; // validated; never fails
  mark_ready(c);
}

// v5 peers are told why with a Reason String: the rule they broke, or the reason's name. It is
// left out when it would make the packet larger than the client accepts [MQTT-3.1.2-25].
void state::close(connection& c, std::optional<reason_code> disconnect_reason,
                  std::string_view why) {
  if (c.phase == connection::phase::closing) return;
  if (disconnect_reason && cfg.log_connections)
    note_close(c,
               std::string(name(*disconnect_reason)) +
                   (why.empty() || why == name(*disconnect_reason) ? "" : ": " + std::string(why)));
  if (disconnect_reason && c.phase == connection::phase::connected &&
      c.version() == codec::protocol_version::v5) {
    codec::disconnect d{*disconnect_reason, {}};
    d.props.reason_string = std::string(why.empty() ? name(*disconnect_reason) : why);
    const auto size = codec::encoded_size(d, c.version());
    if (!size || *size > c.client_max_packet) d.props = {};
    send(c, d);
  }
  c.phase = connection::phase::closing;
  mark_ready(c);
  closing.push_back(c.id);
}

// A protocol violation: v5 peers are told why with DISCONNECT [MQTT-4.13.1-1]; 3.1.1 peers are
// just disconnected. The will is published, as for any abnormal end.
void state::protocol_error(connection& c, std::error_code ec) {
  ++st.protocol_errors;
  if (cfg.log_connections) {
    if (ec == errc::packet_too_large)
      note_close(c, "protocol error: a packet of " + std::to_string(c.decoder.rejected_size()) +
                        " bytes is over max_packet_size (" +
                        std::to_string(cfg.lim.max_packet_size) + " bytes)");
    else
      note_close(c, "protocol error: " + ec.message());
  }
  auto rc = reason_for(ec);
  if (rc == reason_code::unspecified_error || rc == reason_code::unsupported_protocol_version)
    rc = reason_code::protocol_error;
  close(c, rc, ec.message());
}

void state::connection_gone(connection& c, time_point now) {
  session_state* gone = nullptr; // the session, if it outlives the connection
  if (session_state* s = c.sess) {
    s->conn = nullptr;
    --connected_now;
    c.sess = nullptr;
    if (c.will && c.send_will) {
      const auto delay = c.will->props.will_delay_interval.value_or(0);
      if (delay > 0 && s->expiry > 0) { // v5 will delay (section 3.1.3.2.2)
        s->delayed_will = std::move(c.will);
        s->will_at = now + std::chrono::seconds(std::min(delay, s->expiry));
      } else {
        publish_will(std::move(*c.will), *s, now);
      }
    }
    if (s->expiry == 0) {
      end_session(*s);
    } else {
      if (s->expiry != 0xFFFFFFFF) s->expires_at = now + std::chrono::seconds(s->expiry);
      journal_closed(*s);
      gone = s;
    }
  }
  paused.erase(c.id);
  if (c.phase == connection::phase::authenticating) held_connects.erase(c.id);
  if (c.phase == connection::phase::exchanging) {
    held_connects.erase(c.id);
    policy->forget(c.id);
  }
  if (session_state* s = gone) uncongest(*s);
}

void state::read_packets(connection& c, time_point now) {
  while (c.phase != connection::phase::closing && c.phase != connection::phase::authenticating) {
    auto next = c.decoder.next();
    if (!next) {
      if (c.phase == connection::phase::awaiting_connect)
        bad_connect(c, next.error());
      else
        protocol_error(c, next.error());
      return;
    }
    if (!*next) return;
    on_packet(c, **next, now);
  }
  if (c.phase == connection::phase::authenticating) c.decoder.hold(); // the view is the reader's
}

void state::check_timers(time_point now) {
  check_congestion(now);
  if (!receiving.empty() || !waiting_room.empty()) check_large_pace(now);
  for (auto& [id, c] : conns) {
    const bool before_connack = c->phase == connection::phase::awaiting_connect ||
                                c->phase == connection::phase::authenticating ||
                                c->phase == connection::phase::exchanging;
    if (before_connack && now >= c->connect_deadline) {
      // No CONNECT in time, or no answer from the access policy.
      log_unaccepted(*c, "no CONNECT accepted within " +
                             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                cfg.lim.connect_timeout)
                                                .count()) +
                             " s");
      close(*c, std::nullopt);
    } else if (c->phase == connection::phase::connected) {
      const auto deadline = session::server_keep_alive_deadline(c->keep_alive, c->last_receive);
      if (deadline && now >= *deadline) {
        note_close(
            *c, "keep-alive timeout: nothing received for " +
                    std::to_string(
                        std::chrono::duration_cast<std::chrono::milliseconds>(now - c->last_receive)
                            .count()) +
                    " ms (keep-alive " +
                    std::to_string(
                        std::chrono::duration_cast<std::chrono::seconds>(c->keep_alive).count()) +
                    " s)");
        close(*c, reason_code::keep_alive_timeout);
      }
    }
  }
  std::vector<session_state*> expired, wills;
  for (auto& [id, s] : sessions) {
    if (s->will_at && now >= *s->will_at) wills.push_back(s.get());
    if (!s->conn && s->expires_at && now >= *s->expires_at) expired.push_back(s.get());
  }
  // Due wills go in the order they fell due (then by client id), not in the map's order: the
  // same history gives the same deliveries, also in a core restored from the journal.
  std::sort(wills.begin(), wills.end(), [](const session_state* a, const session_state* b) {
    return std::tie(*a->will_at, a->client_id) < std::tie(*b->will_at, b->client_id);
  });
  for (auto* s : wills) {
    if (s->journaled) record(journal::will_cleared{s->client_id});
    s->will_at.reset();
    publish_will(std::move(*s->delayed_will), *s, now);
    s->delayed_will.reset();
  }
  for (auto* s : expired)
    end_session(*s);
  log_drops();
  if (now >= next_ride) {
    counters_ride = true;
    next_ride = now + std::chrono::seconds(1);
  }
  if (now >= next_counters) {
    counters_due = true;
    next_counters = now + std::chrono::seconds(10);
  }
  if (cfg.sys_interval != duration::zero() && now >= next_sys) {
    publish_sys(now);
    next_sys = now + cfg.sys_interval;
  }
}

} // namespace detail

using detail::connection;

broker_core::broker_core(config cfg) : s_(std::make_unique<detail::state>(std::move(cfg))) {}
broker_core::~broker_core() = default;

std::optional<connection_id> broker_core::on_accept(time_point now, std::uint16_t listener) {
  if (!s_->started_set) {
    s_->started = now;
    s_->next_sys = now;
    s_->last_sys = now;
    s_->started_set = true;
  }
  // Past max_connections a few more are taken, only to be told why at their CONNECT (mosquitto
  // closes them silently); beyond that room the transport closes them.
  constexpr std::size_t room_to_refuse = 64;
  const bool over = s_->conns.size() - s_->over_quota >= s_->cfg.lim.max_connections;
  if (over && s_->over_quota >= room_to_refuse) return std::nullopt;
  auto c = std::make_unique<connection>();
  c->over_quota = over;
  if (over) ++s_->over_quota;
  c->id = s_->next_conn++;
  c->decoder = codec::stream_decoder(codec::protocol_version::v5, s_->cfg.lim.max_packet_size);
  c->connect_deadline = now + s_->cfg.lim.connect_timeout;
  c->last_receive = now;
  c->listener = listener;
  const auto id = c->id;
  s_->conns.emplace(id, std::move(c));
  ++s_->st.connections_total;
  return id;
}

void broker_core::on_bytes(connection_id id, byte_view bytes, time_point now) {
  connection* c = s_->find(id);
  if (c == nullptr || c->phase == connection::phase::closing) return;
  s_->st.bytes_received += bytes.size();
  c->last_receive = now;
  if (c->phase == connection::phase::awaiting_connect && c->first_len < c->first_bytes.size()) {
    const auto n = std::min<std::size_t>(c->first_bytes.size() - c->first_len, bytes.size());
    std::copy_n(bytes.begin(), n, c->first_bytes.begin() + c->first_len);
    c->first_len = static_cast<std::uint8_t>(c->first_len + n);
  }
  c->decoder.feed(bytes);
  s_->read_packets(*c, now);
  s_->check_large(*c, now);
}

std::size_t broker_core::set_access_policy(std::shared_ptr<access_policy> policy) {
  s_->policy = std::move(policy);
  s_->policy_checks_topics = s_->policy->checks_topics();
  if (!s_->policy_checks_topics) return 0;
  std::size_t removed = 0;
  for (auto& [id, s] : s_->sessions) {
    const auto* subs = s->subscriptions.peek();
    if (subs == nullptr) continue;
    std::vector<std::string> refused;
    for (const auto& [filter, sub] : *subs)
      if (!s_->policy->may_subscribe(s_->who(*s), filter, sub.options.qos))
        refused.push_back(filter);
    for (const auto& filter : refused) {
      s_->remove_subscription(*s, filter);
      s_->say(log_level::warning, "subscription " + filter + " of client " + s->client_id +
                                      " removed: the access rules no longer allow it");
    }
    removed += refused.size();
  }
  return removed;
}

void broker_core::complete_auth(connection_id id, verdict v, time_point now) {
  connection* c = s_->find(id);
  if (c == nullptr || c->phase != connection::phase::authenticating) return;
  const auto held = s_->held_connects.find(id);
  auto p = std::move(held->second);
  s_->held_connects.erase(held);
  c->phase = connection::phase::awaiting_connect;
  s_->on_verdict(*c, *p, v, now);
  s_->read_packets(*c, now);
  if (c->phase == connection::phase::connected) s_->resumed.push_back(id); // read it again
}

void broker_core::set_identity(connection_id id, std::string name) {
  if (const auto it = s_->conns.find(id); it != s_->conns.end())
    it->second->identity = std::make_unique<std::string>(std::move(name));
}

void broker_core::on_closed(connection_id id, time_point now, std::string_view why) {
  const auto it = s_->conns.find(id);
  if (it == s_->conns.end()) return;
  s_->log_closed(*it->second, why);
  s_->connection_gone(*it->second, now);
  if (it->second->over_quota) --s_->over_quota;
  s_->conns.erase(it);
  if (!s_->receiving.empty() || !s_->waiting_room.empty()) s_->release_large(id);
}

void broker_core::on_tick(time_point now) {
  s_->check_timers(now);
}

void broker_core::shutdown(time_point) {
  for (auto& [id, c] : s_->conns)
    s_->close(*c, reason_code::server_shutting_down);
}

std::vector<connection_id> broker_core::take_ready() {
  std::vector<connection_id> r;
  std::swap(r, s_->ready);
  for (const auto id : r)
    if (auto* c = s_->find(id)) c->listed_ready = false;
  return r;
}

buffer output::flatten() const {
  buffer all;
  all.reserve(size());
  std::size_t from = 0;
  for (const auto& s : splices) {
    all.insert(all.end(), bytes.begin() + static_cast<std::ptrdiff_t>(from),
               bytes.begin() + static_cast<std::ptrdiff_t>(s.at));
    all.insert(all.end(), s.message->payload.begin(), s.message->payload.end());
    from = s.at;
  }
  all.insert(all.end(), bytes.begin() + static_cast<std::ptrdiff_t>(from), bytes.end());
  return all;
}

void broker_core::take_output(connection_id id, output& out) {
  out.clear();
  connection* c = s_->find(id);
  if (c == nullptr) return;
  s_->st.bytes_sent += c->out.size();
  std::swap(out, c->out);
  // Nothing was pending: the connection is idle, and the buffer it got back is freed rather than
  // kept (an idle connection holds no output buffer).
  if (out.empty()) c->out = output();
  if (c->sess) s_->relieve(*c->sess, false); // the socket took the last output
}

std::vector<connection_id> broker_core::take_closing() {
  std::vector<connection_id> r;
  std::swap(r, s_->closing);
  return r;
}

bool broker_core::wants_read(connection_id id) const {
  const auto* c = s_->find(id);
  return c != nullptr && !c->paused && !c->waiting_room && c->phase != connection::phase::closing &&
         c->phase != connection::phase::authenticating;
}

std::vector<log_entry> broker_core::take_log() {
  std::vector<log_entry> r;
  std::swap(r, s_->log);
  return r;
}

std::vector<connection_id> broker_core::take_resumed() {
  std::vector<connection_id> r;
  std::swap(r, s_->resumed);
  return r;
}

std::string broker_core::check_invariants() const {
  std::string broken;
  std::uint64_t queued = 0;
  std::size_t all_bytes = 0, connected = 0;
  std::vector<const detail::session_state*> all; // clients' sessions and links'
  for (const auto& [id, s] : s_->sessions)
    all.push_back(s.get());
  for (const auto& [id, l] : s_->links)
    all.push_back(l.session.get());
  for (const auto* s : all) {
    connected += s->conn != nullptr;
    const auto* f = s->flow.peek();
    if (f == nullptr) continue;
    queued += f->queued();
    std::size_t bytes = 0;
    for (const auto& m : f->queue())
      bytes += m.message->payload.size();
    if (bytes != f->queued_bytes())
      broken += "queued bytes of " + s->client_id + " do not add up\n";
    all_bytes += bytes;
    const auto* c = s->conn;
    if (c && c->phase == detail::connection::phase::connected && f->out_now() > s_->window(*c))
      broken += "more in flight than the window for " + s->client_id + "\n";
  }
  if (all_bytes != s_->queued_total)
    broken += "queued bytes across sessions do not add up: " + std::to_string(all_bytes) +
              " queued, " + std::to_string(s_->queued_total) + " counted\n";
  if (connected != s_->connected_now)
    broken += "clients connected do not add up: " + std::to_string(connected) +
              " sessions with a "
              "connection, " +
              std::to_string(s_->connected_now) + " counted\n";
  const auto& a = s_->audit;
  if (a.entered != a.left + queued + a.ended)
    broken += "queued messages unaccounted for: " + std::to_string(a.entered) + " entered, " +
              std::to_string(a.left) + " left, " + std::to_string(queued) + " queued, " +
              std::to_string(a.ended) + " ended\n";
  return broken;
}

const stats& broker_core::statistics() const noexcept {
  return s_->st;
}
std::size_t broker_core::connection_count() const noexcept {
  return s_->conns.size();
}
std::size_t broker_core::session_count() const noexcept {
  return s_->sessions.size();
}

} // namespace mqtk::broker
