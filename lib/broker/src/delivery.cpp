// SPDX-License-Identifier: MIT
// Routing accepted messages to sessions, the per-session window and queue, acknowledgements from
// subscribers, and backpressure on publishers.
#include <algorithm>

#include "mqtk/codec/forward.hpp"
#include "state.hpp"

namespace mqtk::broker::detail {

namespace {

// The next free packet id after the last one handed out; the ids in use are the keys of
// inflight_by_id. Nullopt when all 65,535 are in use.
std::optional<std::uint16_t> next_packet_id(traffic& f) {
  const auto& used = f.inflight_by_id;
  if (used.size() >= 65535) return std::nullopt;
  do
    f.last_id = static_cast<std::uint16_t>(f.last_id == 65535 ? 1 : f.last_id + 1);
  while (used.count(f.last_id) != 0);
  return f.last_id;
}
// Bytes waiting in a connection's output before it counts as congested.
constexpr std::size_t out_limit = 1024 * 1024;
// Payloads from this size on are shared between subscribers instead of copied (DESIGN.md §2);
// smaller ones are cheaper to copy than to reference.
constexpr std::size_t share_from = 1024;
} // namespace

std::size_t state::window(const connection& c) const {
  return std::min<std::size_t>(cfg.lim.max_inflight, c.client_receive_maximum); // [MQTT-3.3.4-7]
}

void state::accept(message_ptr msg, session_state* from, time_point now) {
  // A retained message replaces the topic's previous one; an empty one clears it and is still
  // delivered to current subscribers [MQTT-3.3.1-5] [MQTT-3.3.1-6] [MQTT-3.3.1-7].
  if (msg->retain) {
    retained.set(msg);
    if (msg->props.message_expiry_interval && !msg->payload.empty())
      retained_expiry[msg->topic] = now + std::chrono::seconds(*msg->props.message_expiry_interval);
    else
      retained_expiry.erase(msg->topic);
  }
  route(msg, from, now);
}

void state::route(const message_ptr& msg, session_state* from, time_point now) {
  publisher = from ? from->conn : nullptr;
  scratch.clear();
  trie.match(msg->topic, scratch);
  std::optional<time_point> expires;
  if (msg->props.message_expiry_interval)
    expires = now + std::chrono::seconds(*msg->props.message_expiry_interval);

  // One delivery per client: the highest QoS of its matching subscriptions and all their
  // Subscription Identifiers [MQTT-3.3.4-2] [MQTT-3.3.4-3]; No Local skips its own [MQTT-3.8.3-3].
  auto& direct = scratch.direct;
  std::sort(direct.begin(), direct.end(),
            [](const auto* a, const auto* b) { return a->client < b->client; });
  for (std::size_t i = 0; i < direct.size();) {
    const auto key = direct[i]->client;
    outgoing o;
    bool any = false;
    for (; i < direct.size() && direct[i]->client == key; ++i) {
      const auto& sub = *direct[i];
      const auto it = by_key.find(key);
      if (sub.options.no_local && it != by_key.end() && it->second == from) continue;
      any = true;
      o.qos = std::max(o.qos, std::min(msg->qos, sub.options.qos));
      o.retain = o.retain || (sub.options.retain_as_published && msg->retain); // [MQTT-3.3.1-12]
      if (sub.subscription_id != 0) o.sub_ids.push_back(sub.subscription_id);
    }
    const auto it = by_key.find(key);
    if (!any || it == by_key.end()) continue;
    o.msg = msg;
    o.expires_at = expires;
    deliver(*it->second, std::move(o), now);
  }
  // Shared subscriptions: one member per group, round robin, preferring connected members.
  for (auto* g : scratch.groups) {
    if (g->members.empty()) continue;
    const auto n = g->members.size();
    std::size_t pick = g->next % n;
    for (std::size_t k = 0; k < n; ++k) {
      const auto& m = g->members[(g->next + k) % n];
      const auto it = by_key.find(m.client);
      if (it != by_key.end() && it->second->conn) {
        pick = (g->next + k) % n;
        break;
      }
    }
    g->next = pick + 1;
    const auto& m = g->members[pick];
    const auto it = by_key.find(m.client);
    if (it == by_key.end()) continue;
    outgoing o;
    o.msg = msg;
    o.qos = std::min(msg->qos, m.options.qos);
    o.retain = m.options.retain_as_published && msg->retain;
    if (m.subscription_id != 0) o.sub_ids.push_back(m.subscription_id);
    o.expires_at = expires;
    deliver(*it->second, std::move(o), now);
  }
  publisher = nullptr;
}

// Every drop is counted ($SYS) and logged, summed per reason once per tick so that a flood of
// drops cannot become a flood of log lines.
void state::drop(std::string_view why) {
  ++st.publish_dropped;
  auto it = drops_since_tick.find(why);
  if (it == drops_since_tick.end()) it = drops_since_tick.emplace(std::string(why), 0).first;
  ++it->second;
}

void state::log_drops() {
  for (const auto& [why, n] : drops_since_tick)
    log.push_back("dropped " + std::to_string(n) + (n == 1 ? " message: " : " messages: ") + why);
  drops_since_tick.clear();
}

void state::deliver(session_state& s, outgoing o, time_point now) {
  connection* c = s.conn && s.conn->phase == connection::phase::connected ? s.conn : nullptr;
  if (o.qos == 0) {
    if (c == nullptr) return drop("QoS 0 message for an offline client");
    if (c->out.size() > out_limit) {
      if (cfg.lim.drop_when_full) return drop("output full");
      note_congestion(s, publisher);
    }
    transmit(s, o, false, now);
    return;
  }
  auto& f = s.flow.get();
  if (c != nullptr && f.queue.empty() && f.inflight.size() < window(*c)) {
    if (const auto id = next_packet_id(f)) {
      o.packet_id = *id;
      if (transmit(s, o, false, now)) {
        f.inflight.push_back(std::move(o));
        f.inflight_by_id[*id] = std::prev(f.inflight.end());
      }
      return;
    }
  }
  const bool full = f.queue.size() >= cfg.lim.max_queued_messages ||
                    f.queued_bytes + o.msg->payload.size() > cfg.lim.max_queued_bytes;
  if (full) {
    if (c == nullptr || cfg.lim.drop_when_full) return drop("queue full");
    note_congestion(s, publisher); // keep it, and stop reading the publisher instead
  }
  f.queued_bytes += o.msg->payload.size();
  f.queue.push_back(std::move(o));
}

bool state::transmit(session_state& s, outgoing& o, bool dup, time_point now) {
  connection& c = *s.conn;
  std::optional<std::uint32_t> remaining;
  if (o.expires_at) {
    if (now >= *o.expires_at) { // expired while queued [MQTT-3.3.2-5]
      drop("message expired");
      return false;
    }
    remaining = static_cast<std::uint32_t>(
        std::chrono::ceil<std::chrono::seconds>(*o.expires_at - now).count()); // [MQTT-3.3.2-6]
  }
  const codec::forward_fields f{o.packet_id, o.qos, o.retain, dup, o.sub_ids, remaining};
  const auto size = codec::forward_size(*o.msg, f, c.version());
  if (!size || *size > c.client_max_packet) { // skipped for this subscriber [MQTT-3.1.2-25]
    drop("larger than the client's Maximum Packet Size");
    return false;
  }
  if (o.msg->payload.size() >= share_from) {
    if (!codec::encode_forward_head(*o.msg, f, c.version(), c.out.bytes)) return false;
    c.out.splices.push_back({c.out.bytes.size(), o.msg});
    c.out.shared_bytes += o.msg->payload.size();
  } else if (!codec::encode_forward(*o.msg, f, c.version(), c.out.bytes)) {
    return false;
  }
  ++st.messages_sent;
  mark_ready(c);
  return true;
}

void state::drain(session_state& s, time_point now) {
  connection* c = s.conn;
  if (c == nullptr || c->phase != connection::phase::connected) return;
  if (auto* f = s.flow.made()) drain_queue(s, *f, *c, now);
  if (congested.count(&s)) relieve(s);
}

void state::drain_queue(session_state& s, traffic& f, connection& c, time_point now) {
  while (!f.queue.empty() && (f.queue.front().qos == 0 || f.inflight.size() < window(c))) {
    outgoing o = std::move(f.queue.front());
    f.queue.pop_front();
    f.queued_bytes -= o.msg->payload.size();
    if (o.qos == 0) {
      transmit(s, o, false, now);
      continue;
    }
    const auto id = next_packet_id(f);
    if (!id) break;
    o.packet_id = *id;
    if (!transmit(s, o, false, now)) continue;
    f.inflight.push_back(std::move(o));
    f.inflight_by_id[*id] = std::prev(f.inflight.end());
  }
}

// Unacknowledged messages go again in their original order with their ids: PUBLISH with DUP,
// or PUBREL once PUBREC was received [MQTT-4.4.0-1] [MQTT-3.3.1-1].
void state::resend(session_state& s, time_point now) {
  auto* f = s.flow.made();
  if (f == nullptr) return;
  for (auto it = f->inflight.begin(); it != f->inflight.end();) {
    if (it->released) {
      send(*s.conn, codec::pubrel{it->packet_id, reason_code::success, {}});
      ++it;
    } else if (transmit(s, *it, true, now)) {
      ++it;
    } else {
      f->inflight_by_id.erase(it->packet_id);
      it = f->inflight.erase(it);
    }
  }
}

void state::on_ack(connection& c, std::uint16_t id, reason_code rc, codec::packet_type type,
                   time_point now) {
  session_state& s = *c.sess;
  auto& by_id = s.flow.get().inflight_by_id;
  const auto found = by_id.find(id);
  if (found == by_id.end()) {
    if (type == codec::packet_type::pubrec) // let the client free its state
      send(c, codec::pubrel{id,
                            c.version() == codec::protocol_version::v5
                                ? reason_code::packet_identifier_not_found
                                : reason_code::success,
                            {}});
    return;
  }
  outgoing& o = *found->second;
  const bool done = (type == codec::packet_type::puback && o.qos == 1) ||
                    (type == codec::packet_type::pubcomp && o.released) ||
                    (type == codec::packet_type::pubrec && !o.released && is_failure(rc));
  if (type == codec::packet_type::pubrec && o.qos == 2 && !o.released && !is_failure(rc)) {
    o.released = true;
    send(c, codec::pubrel{id, reason_code::success, {}});
    return;
  }
  if (!done) return; // an acknowledgement of the wrong kind is ignored
  s.flow.get().inflight.erase(found->second);
  by_id.erase(found);
  drain(s, now);
}

// Backpressure: the publisher whose message found a full queue is not read until the queue
// drains, so nothing is dropped and memory stays bounded. A connection whose own session is
// congested is never paused, since reading it (its acknowledgements) is what drains it.
void state::note_congestion(session_state& s, connection* pub) {
  congested.insert(&s);
  if (s.conn && s.conn->paused) {
    s.conn->paused = false;
    paused.erase(s.conn->id);
    resumed.push_back(s.conn->id);
  }
  if (pub == nullptr || pub->paused || (pub->sess && congested.count(pub->sess))) return;
  pub->paused = true;
  paused.insert(pub->id);
}

void state::relieve(session_state& s) {
  const auto* f = s.flow.peek();
  const bool still = (f && f->queue.size() > cfg.lim.max_queued_messages / 2) ||
                     (s.conn && s.conn->out.size() > out_limit);
  if (still) return;
  congested.erase(&s);
  if (!congested.empty()) return;
  for (const auto id : paused) {
    if (auto* c = find(id)) {
      c->paused = false;
      resumed.push_back(id);
    }
  }
  paused.clear();
}

} // namespace mqtk::broker::detail
