// SPDX-License-Identifier: MIT
// broker_core::restore(): durable state rebuilt from the journal's records.
#include <algorithm>
#include <list>

#include "state.hpp"

namespace mqtk::broker {
namespace detail {
namespace {

// One session as the records describe it so far.
struct session_draft {
  journal::session_stored info;
  bool closed = false; // a session_closed came after the last session_stored
  std::optional<wall_time> expires_at;
  std::map<std::string, subscription_record, std::less<>> subscriptions;
  std::list<outbound_message> window; // in send order
  std::list<outbound_message> queue;
  std::set<std::uint16_t> inbound;
  std::uint16_t last_packet_id = 0;
  std::optional<journal::will_stored> will;
};

// Replays records in order. Each one changes its session's draft; records about what is
// already gone (the journal of a message acknowledged twice, say) change nothing.
struct replay {
  state& st;
  std::vector<std::string> order; // sessions in the order they were made
  std::unordered_map<std::string, session_draft> drafts;
  std::unordered_map<message_id, message_ptr> bodies;

  session_draft* find(const std::string& id) {
    const auto it = drafts.find(id);
    return it == drafts.end() ? nullptr : &it->second;
  }
  static std::list<outbound_message>::iterator by_packet(std::list<outbound_message>& l,
                                                         std::uint16_t id) {
    return std::find_if(l.begin(), l.end(), [&](const auto& m) { return m.packet_id == id; });
  }
  static std::list<outbound_message>::iterator by_message(std::list<outbound_message>& l,
                                                          message_id id) {
    return std::find_if(l.begin(), l.end(), [&](const auto& m) { return m.message_id == id; });
  }

  void operator()(const journal::session_stored& r) {
    auto [it, made] = drafts.try_emplace(r.client_id);
    if (made) order.push_back(r.client_id);
    it->second.info = r;
    it->second.closed = false;
  }
  void operator()(const journal::session_closed& r) {
    if (auto* d = find(r.client_id)) {
      d->closed = true;
      d->expires_at = r.expires_at;
    }
  }
  void operator()(const journal::session_ended& r) { drafts.erase(r.client_id); }
  void operator()(const journal::subscription_added& r) {
    if (auto* d = find(r.client_id)) d->subscriptions[r.filter] = {r.options, r.subscription_id};
  }
  void operator()(const journal::subscription_removed& r) {
    if (auto* d = find(r.client_id)) d->subscriptions.erase(r.filter);
  }
  void operator()(const journal::message_stored& r) { bodies[r.id] = r.message; }
  void operator()(const journal::message_queued& r) {
    auto* d = find(r.client_id);
    const auto body = bodies.find(r.id);
    if (d == nullptr || body == bodies.end()) return;
    outbound_message o;
    o.message = body->second;
    o.message_id = r.id;
    o.qos = r.qos;
    o.retain = r.retain;
    o.sub_ids = r.subscription_ids;
    if (r.expires_at) o.expires_at = st.from_wall(*r.expires_at);
    d->queue.push_back(std::move(o));
  }
  void operator()(const journal::message_fanout& r) {
    for (const auto& client : *r.clients)
      (*this)(
          journal::message_queued{client, r.id, r.qos, r.retain, r.subscription_ids, r.expires_at});
  }
  void operator()(const journal::message_sent& r) {
    auto* d = find(r.client_id);
    if (d == nullptr) return;
    const auto it = by_message(d->queue, r.id);
    if (it == d->queue.end()) return;
    it->packet_id = r.packet_id;
    it->state = it->qos == 2 ? session::inflight_state::awaiting_pubrec
                             : session::inflight_state::awaiting_puback;
    d->window.splice(d->window.end(), d->queue, it);
    d->last_packet_id = r.packet_id;
  }
  void operator()(const journal::message_released& r) {
    if (auto* d = find(r.client_id))
      if (const auto it = by_packet(d->window, r.packet_id); it != d->window.end())
        it->state = session::inflight_state::awaiting_pubcomp;
  }
  void operator()(const journal::message_acked& r) {
    if (auto* d = find(r.client_id))
      if (const auto it = by_packet(d->window, r.packet_id); it != d->window.end())
        d->window.erase(it);
  }
  void operator()(const journal::message_dropped& r) {
    auto* d = find(r.client_id);
    if (d == nullptr) return;
    auto& from = r.in_flight ? d->window : d->queue;
    const auto it = r.in_flight ? by_packet(from, r.packet_id) : by_message(from, r.id);
    if (it == from.end()) return;
    from.erase(it);
    if (!r.in_flight) d->last_packet_id = r.packet_id;
  }
  void operator()(const journal::inbound_received& r) {
    if (auto* d = find(r.client_id)) d->inbound.insert(r.packet_id);
  }
  void operator()(const journal::inbound_released& r) {
    if (auto* d = find(r.client_id)) d->inbound.erase(r.packet_id);
  }
  void operator()(const journal::retained_set& r) {
    bodies[r.id] = r.message;
    std::optional<time_point> until;
    if (r.expires_at) until = st.from_wall(*r.expires_at);
    st.retained.set({r.message, until, r.id});
  }
  void operator()(const journal::retained_cleared& r) {
    st.retained.set(
        std::make_shared<const codec::publish>(codec::publish{r.topic, {}, 0, 0, true, false, {}}));
  }
  void operator()(const journal::packet_id_cycle& r) {
    if (auto* d = find(r.client_id)) d->last_packet_id = r.last_packet_id;
  }
  void operator()(const journal::will_stored& r) {
    if (auto* d = find(r.client_id)) d->will = r;
  }
  void operator()(const journal::will_cleared& r) {
    if (auto* d = find(r.client_id)) d->will.reset();
  }
  void operator()(const journal::counters& r) {
    st.st = *r.totals; // the restarted broker counts on from the saved totals
    st.counters_saved = *r.totals;
    // The load averages follow changes from here on, not the whole history at the first tick.
    const auto now = st.load_counters();
    for (std::size_t i = 0; i < now.size(); ++i)
      st.loads[i].last = now[i];
  }

  void build(session_draft& d, time_point now);
};

void replay::build(session_draft& d, time_point now) {
  auto s = std::make_unique<session_state>();
  s->client_id = d.info.client_id;
  s->key = st.next_key++;
  s->expiry = d.info.expiry;
  s->version = d.info.version;
  s->journaled = true;
  if (d.info.username) s->username = std::make_unique<std::string>(*d.info.username);
  if (d.closed && d.expires_at)
    s->expires_at = st.from_wall(*d.expires_at);
  else if (!d.closed && s->expiry != 0xFFFFFFFF) // its connection was live: it ends now
    s->expires_at = now + std::chrono::seconds(s->expiry);
  if (d.will) {
    s->delayed_will = std::make_unique<codec::will_message>(*d.will->will);
    s->will_at = st.from_wall(d.will->at);
  }
  for (auto& [filter, rec] : d.subscriptions)
    st.trie.insert(filter, {s->key, rec.options, rec.id});
  if (!d.subscriptions.empty()) s->subscriptions.get() = std::move(d.subscriptions);
  if (!d.window.empty() || !d.queue.empty() || !d.inbound.empty() || d.last_packet_id != 0) {
    session::flow_snapshot f;
    f.inflight.assign(std::make_move_iterator(d.window.begin()),
                      std::make_move_iterator(d.window.end()));
    f.queued.splice(f.queued.end(), d.queue);
    f.inbound_qos2.assign(d.inbound.begin(), d.inbound.end());
    f.last_packet_id = d.last_packet_id;
    st.audit.entered += f.queued.size(); // they left the queue of the core that wrote them
    s->flow.get() = session::flow::restore(std::move(f));
    s->flow.get().count_queued_in(&st.queued_total);
  }
  st.by_key[s->key] = s.get();
  const std::string_view key = s->client_id;
  st.sessions.emplace(key, std::move(s));
}

} // namespace
} // namespace detail

void broker_core::restore(const std::vector<journal_record>& records, time_point now) {
  detail::replay r{*s_, {}, {}, {}};
  // Sized once: a restart may bring back millions of bodies, and rehashing them cost seconds.
  r.bodies.reserve(static_cast<std::size_t>(
      std::count_if(records.begin(), records.end(), [](const journal_record& rec) {
        return std::holds_alternative<journal::message_stored>(rec) ||
               std::holds_alternative<journal::retained_set>(rec);
      })));
  for (const auto& rec : records) {
    std::visit(r, rec);
    if (const auto* m = std::get_if<journal::message_stored>(&rec))
      s_->next_message_id = std::max(s_->next_message_id, m->id + 1);
    else if (const auto* t = std::get_if<journal::retained_set>(&rec))
      s_->next_message_id = std::max(s_->next_message_id, t->id + 1);
  }
  for (const auto& id : r.order)
    if (auto* d = r.find(id); d != nullptr && s_->sessions.count(id) == 0) r.build(*d, now);
}

} // namespace mqtk::broker
