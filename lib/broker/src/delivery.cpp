// SPDX-License-Identifier: MIT
// Routing accepted messages to sessions, the per-session window and queue, and acknowledgements
// from subscribers.
#include <algorithm>

#include "mqtk/codec/forward.hpp"
#include "state.hpp"

namespace mqtk::broker::detail {

namespace {

// Payloads from this size on are shared between subscribers instead of copied (DESIGN.md §2);
// smaller ones are cheaper to copy than to reference.
constexpr std::size_t share_from = 1024;
// Design (outbound Topic Aliases, the policy for the client's slots): every topic of this many
// bytes or more takes an alias, the least recently used giving its slot up when all are taken.
// A shorter topic would save less than the 3 bytes the alias itself costs on each PUBLISH.
// Most recent wins over most frequent: it needs no counts, adapts at once when a client's
// traffic moves to other topics, and a fan-out of a few hot topics fits the slots either way.
constexpr std::size_t alias_from = 8;

// The flow engine's output for one subscriber: frames into its connection's output.
struct subscriber_wire final : session::flow_output {
  subscriber_wire(state& broker, session_state& sess, time_point at)
      : st(broker), s(sess), now(at) {}
  bool publish(const outbound_message& m, bool dup) override {
    if (!dup) ++st.audit.left; // the broker resends only with DUP: this one leaves the queue
    const bool sent = st.transmit(s, m, dup, now);
    if (s.journaled) {
      if (!sent) // a resend that fails leaves the window; a first send, the queue
        st.record(journal::message_dropped{s.client_id, m.message_id, m.packet_id, dup});
      else if (!dup)
        st.record(journal::message_sent{s.client_id, m.message_id, m.packet_id});
    }
    return sent;
  }
  void pubrel(std::uint16_t id, reason_code rc) override {
    st.send(*s.conn, codec::pubrel{id, rc, {}});
  }
  void completed(const outbound_message& m, reason_code, const codec::properties&) override {
    if (s.journaled) st.record(journal::message_acked{s.client_id, m.packet_id});
  }

  state& st;
  session_state& s;
  time_point now;
};
} // namespace

std::size_t state::window(const connection& c) const {
  return session::flow::window_for(c.client_receive_maximum, cfg.lim.max_inflight);
}

void state::accept(message_ptr msg, session_state* from, time_point now) {
  const message_id id = next_message_id++;
  // A retained message replaces the topic's previous one; an empty one clears it and is still
  // delivered to current subscribers [MQTT-3.3.1-5] [MQTT-3.3.1-6] [MQTT-3.3.1-7].
  if (msg->retain && !retain_fits(*msg)) {
    drop(drop_reason::retain_limit, from); // still delivered: only the store is full
  } else if (msg->retain) {
    std::optional<time_point> expires;
    if (msg->props.message_expiry_interval && !msg->payload.empty())
      expires = now + std::chrono::seconds(*msg->props.message_expiry_interval);
    retained.set({msg, expires, id});
    // $SYS topics are the broker's own figures, set anew every sys_interval: not worth a write.
    if (cfg.journal && msg->topic.rfind("$SYS/", 0) != 0) journal_retained(msg, expires, id);
  }
  route(msg, id, from, now);
}

// The broker's own $SYS topics are bounded by the broker: the limits are for clients.
bool state::retain_fits(const codec::publish& msg) const {
  // No limits (the default): no second walk of the topic tree before set() walks it.
  if (cfg.lim.max_retained_messages == SIZE_MAX && cfg.lim.max_retained_bytes == SIZE_MAX)
    return true;
  if (is_sys_topic(msg.topic)) return true;
  // The broker's own $SYS messages take none of the clients' room.
  const auto [size, bytes] = retained.after(msg);
  return (size <= retained.size() || size - sys_values.size() <= cfg.lim.max_retained_messages) &&
         (bytes <= retained.bytes() || bytes - sys_retained_bytes <= cfg.lim.max_retained_bytes);
}

void state::route(const message_ptr& msg, message_id id, session_state* from, time_point now) {
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
    outbound_message o;
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
    o.message = msg;
    o.message_id = id;
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
    outbound_message o;
    o.message = msg;
    o.qos = std::min(msg->qos, m.options.qos);
    o.retain = m.options.retain_as_published && msg->retain;
    if (m.subscription_id != 0) o.sub_ids.push_back(m.subscription_id);
    o.message_id = id;
    o.expires_at = expires;
    deliver(*it->second, std::move(o), now);
  }
  publisher = nullptr;
}

void state::deliver(session_state& s, outbound_message o, time_point now) {
  if (!link_of.empty()) { // in-process clients take their messages at once, or held
    if (const auto it = link_of.find(&s); it != link_of.end()) {
      if (o.expires_at && now >= *o.expires_at) return drop(drop_reason::expired, &s);
      if (o.qos > 0 && it->second->options.acknowledged)
        return deliver_held(*it->second, std::move(o), now);
      ++st.messages_sent;
      return it->second->link->on_message(o);
    }
  }
  // Read access is checked per delivery, so a rule holds for retained messages, wills and
  // $SYS as for any other message; it is no drop, the message was never this client's.
  if (policy_checks_topics && !policy->may_receive(who(s), o.message->topic)) return;
  connection* c = s.conn && s.conn->phase == connection::phase::connected ? s.conn : nullptr;
  if (o.qos == 0) {
    if (c == nullptr) return drop(drop_reason::offline);
    if (c->out.size() > out_limit && !over_limits(s, *o.message, true, now)) return;
    transmit(s, o, false, now);
    return;
  }
  auto& f = s.flow.get();
  f.count_queued_in(&queued_total);
  f.set_max_inflight_bytes(cfg.lim.max_inflight_bytes);
  const bool goes_now = c != nullptr && f.has_room(window(*c));
  if (!goes_now) {
    const auto size = o.message->payload.size();
    const bool full = f.queued() >= cfg.lim.max_queued_messages ||
                      f.queued_bytes() + size > cfg.lim.max_queued_bytes;
    if (full) {
      if (c == nullptr) return drop(drop_reason::queue_full, &s);
      if (!over_limits(s, *o.message, false, now)) return;
    } else if (queued_total + size > cfg.lim.max_queued_bytes_total && !over_budget(s, c)) {
      return;
    }
  }
  ++audit.entered;
  if (s.journaled) journal_queued(s, o);
  if (!goes_now) return f.enqueue(std::move(o));
  subscriber_wire w(*this, s, now);
  f.send_or_enqueue(std::move(o), w, window(*c));
}

bool state::transmit(session_state& s, const outbound_message& o, bool dup, time_point now) {
  connection& c = *s.conn;
  std::optional<std::uint32_t> remaining;
  if (o.expires_at) {
    if (now >= *o.expires_at) { // expired while queued [MQTT-3.3.2-5]
      drop(drop_reason::expired, &s);
      return false;
    }
    remaining = static_cast<std::uint32_t>(
        std::chrono::ceil<std::chrono::seconds>(*o.expires_at - now).count()); // [MQTT-3.3.2-6]
  }
  codec::forward_fields f{o.packet_id, o.qos, o.retain, dup, o.sub_ids, remaining};
  if (const auto mount = mount_of(c); !mount.empty() && o.message->topic.starts_with(mount))
    f.topic_skip = mount.size();
  const std::string_view seen = std::string_view(o.message->topic).substr(f.topic_skip);
  const bool alias = c.sent_aliases && seen.size() >= alias_from;
  if (alias) {
    const auto choice = c.sent_aliases->peek(seen);
    f.topic_alias = choice.alias;
    f.alias_known = !choice.send_topic;
  }
  const auto size = codec::forward_size(*o.message, f, c.version());
  if (!size || *size > c.client_max_packet) { // skipped for this subscriber [MQTT-3.1.2-25]
    drop(drop_reason::too_large, &s);
    return false;
  }
  if (alias) c.sent_aliases->assign(seen); // it goes out now, so the client will know it
  if (o.message->payload.size() >= share_from) {
    if (!codec::encode_forward_head(*o.message, f, c.version(), c.out.bytes)) return false;
    c.out.splices.push_back({c.out.bytes.size(), o.message});
    c.out.shared_bytes += o.message->payload.size();
  } else if (!codec::encode_forward(*o.message, f, c.version(), c.out.bytes)) {
    return false;
  }
  ++st.messages_sent;
  mark_ready(c);
  return true;
}

void state::drain(session_state& s, time_point now) {
  connection* c = s.conn;
  if (c == nullptr || c->phase != connection::phase::connected) return;
  if (auto* f = s.flow.made(); f && f->has_waiting()) {
    f->set_max_inflight_bytes(cfg.lim.max_inflight_bytes); // a restored flow has not heard it
    subscriber_wire w(*this, s, now);
    f->fill(w, window(*c));
  }
  relieve(s, true);
}

// A reconnect resumes the session's window before anything new goes [MQTT-4.4.0-1]; without a
// session present the flow was made anew, so there is nothing to resume.
void state::resend(session_state& s, time_point now) {
  if (auto* f = s.flow.made()) {
    f->set_max_inflight_bytes(cfg.lim.max_inflight_bytes);
    subscriber_wire w(*this, s, now);
    f->resume(w, true, window(*s.conn));
  }
}

void state::on_ack(connection& c, std::uint16_t id, reason_code rc, codec::packet_type type,
                   time_point now) {
  session_state& s = *c.sess;
  auto& f = s.flow.get();
  subscriber_wire w(*this, s, now);
  static const codec::properties none;
  bool done = false;
  if (type == codec::packet_type::puback) {
    done = f.on_puback(id, rc, none, w);
  } else if (type == codec::packet_type::pubrec) {
    const auto* e = s.journaled ? f.inflight().find(id) : nullptr;
    const bool was_sent = e && e->state == session::inflight_state::awaiting_pubrec;
    done = f.on_pubrec(id, rc, none, c.version(), w, window(c));
    if (was_sent && !done) record(journal::message_released{s.client_id, id});
  } else {
    done = f.on_pubcomp(id, rc, none, w);
  }
  if (done) drain(s, now);
}

} // namespace mqtk::broker::detail
