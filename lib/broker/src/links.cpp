// SPDX-License-Identifier: MIT
// Local links: in-process clients with a session and no connection, and the broker's public
// publish path (which wills and $SYS take too).
#include "mqtk/core/errc.hpp"
#include "mqtk/topic/validate.hpp"
#include "state.hpp"

namespace mqtk::broker {

using detail::session_state;

namespace {

session_state* link_session(detail::state& st, link_id id) {
  const auto it = st.links.find(id);
  return it == st.links.end() ? nullptr : it->second.session.get();
}

// An acknowledged link's side of its session's flow: a message "sent" is handed to the link,
// and the link's one acknowledgement completes it (link_acknowledged).
struct link_wire final : session::flow_output {
  link_wire(detail::state& broker, detail::state::link_entry& entry, time_point at)
      : st(broker), l(entry), s(*entry.session), now(at) {}
  bool publish(const session::outbound_message& m, bool dup) override {
    if (!dup) ++st.audit.left;                  // it leaves the queue
    if (m.expires_at && now >= *m.expires_at) { // expired while held [MQTT-3.3.2-5]
      if (s.journaled)
        st.record(journal::message_dropped{s.client_id, m.message_id, m.packet_id, dup});
      st.drop(drop_reason::expired, &s);
      return false;
    }
    if (s.journaled && !dup)
      st.record(journal::message_sent{s.client_id, m.message_id, m.packet_id});
    ++st.st.messages_sent;
    l.link->on_message(m);
    return true;
  }
  void pubrel(std::uint16_t, reason_code) override {} // nothing goes on a wire
  void completed(const session::outbound_message& m, reason_code,
                 const codec::properties&) override {
    if (s.journaled) st.record(journal::message_acked{s.client_id, m.packet_id});
  }

  detail::state& st;
  detail::state::link_entry& l;
  session_state& s;
  time_point now;
};

// A durable link's session restored from the journal, ready to be adopted by its link.
std::unique_ptr<session_state> take_restored(detail::state& st, const std::string& name) {
  const auto it = st.sessions.find(name);
  if (it == st.sessions.end() || it->second->conn != nullptr || !it->second->journaled)
    return nullptr;
  auto s = std::move(it->second);
  st.sessions.erase(it);
  return s;
}

} // namespace

namespace detail {

void state::deliver_held(link_entry& l, outbound_message o, time_point now) {
  session_state& s = *l.session;
  auto& f = s.flow.get();
  f.count_queued_in(&queued_total);
  const bool goes_now = f.has_room(l.options.window);
  const auto size = o.message->payload.size();
  if (!goes_now && (f.queued() >= cfg.lim.max_queued_messages ||
                    f.queued_bytes() + size > cfg.lim.max_queued_bytes))
    return drop(drop_reason::queue_full, &s);
  if (!goes_now && queued_total + size > cfg.lim.max_queued_bytes_total)
    return drop(drop_reason::budget_full, &s); // as for an offline session
  ++audit.entered;
  if (s.journaled) journal_queued(s, o);
  if (!goes_now) return f.enqueue(std::move(o));
  link_wire w(*this, l, now);
  f.send_or_enqueue(std::move(o), w, l.options.window);
}

void state::fill_link(link_entry& l, time_point now, bool resume) {
  auto* f = l.session->flow.made();
  if (f == nullptr) return;
  link_wire w(*this, l, now);
  if (resume) {
    // A message awaiting PUBCOMP reached its receiver already (a link completes QoS 2 in one
    // step, so only a session taken over from a client holds one): it is complete.
    std::vector<std::uint16_t> received;
    for (const auto& e : f->inflight().entries())
      if (e.state == session::inflight_state::awaiting_pubcomp) received.push_back(e.packet_id);
    static const codec::properties none;
    for (const auto id : received)
      (void)f->on_pubcomp(id, reason_code::success, none, w);
    f->resume(w, true, l.options.window); // in order, with their ids [MQTT-4.4.0-1]
  }
  f->fill(w, l.options.window); // and what waits behind them
}

} // namespace detail

link_id broker_core::attach_link(std::string name, std::shared_ptr<local_link> link,
                                 link_options options, time_point now) {
  auto s = options.acknowledged ? take_restored(*s_, name) : nullptr;
  const bool restored = s != nullptr;
  if (!s) {
    s = std::make_unique<session_state>();
    s->client_id = std::move(name);
    s->key = s_->next_key++;
    s_->by_key[s->key] = s.get();
  }
  s->expiry = 0xFFFFFFFF; // a link's session lasts until it is detached
  s->expires_at.reset();
  if (options.acknowledged && s_->cfg.journal && !s->journaled) {
    s->journaled = true; // from now on what it holds is saved, as a durable client's
    s_->journal_session(*s);
  }
  const link_id id = s->key;
  auto& entry =
      s_->links.emplace(id, detail::state::link_entry{std::move(s), std::move(link), options})
          .first->second;
  s_->link_of[entry.session.get()] = &entry;
  if (restored) s_->fill_link(entry, now, true); // what it had not acknowledged, again
  return id;
}

void broker_core::link_acknowledged(link_id id, std::uint16_t packet_id, time_point now) {
  const auto it = s_->links.find(id);
  if (it == s_->links.end() || !it->second.options.acknowledged) return;
  session_state& s = *it->second.session;
  auto* f = s.flow.made();
  if (f == nullptr) return;
  link_wire w(*s_, it->second, now);
  static const codec::properties none;
  if (!f->on_puback(packet_id, reason_code::success, none, w)) {
    // QoS 2 in one step: as PUBREC (journaled as released) then PUBCOMP.
    const auto* e = f->inflight().find(packet_id);
    if (e == nullptr) return;
    if (e->state == session::inflight_state::awaiting_pubrec) {
      (void)f->on_pubrec(packet_id, reason_code::success, none, codec::protocol_version::v5, w);
      if (s.journaled) s_->record(journal::message_released{s.client_id, packet_id});
    }
    (void)f->on_pubcomp(packet_id, reason_code::success, none, w);
  }
  s_->fill_link(it->second, now, false);
}

void broker_core::resume_link(link_id id, time_point now) {
  const auto it = s_->links.find(id);
  if (it != s_->links.end() && it->second.options.acknowledged)
    s_->fill_link(it->second, now, true);
}

void broker_core::detach_link(link_id id) {
  const auto it = s_->links.find(id);
  if (it == s_->links.end()) return;
  session_state& s = *it->second.session;
  if (const auto* subs = s.subscriptions.peek())
    for (const auto& [filter, rec] : *subs)
      s_->trie.erase(filter, s.key);
  if (const auto* f = s.flow.peek()) s_->audit.ended += f->queued(); // they go with it
  s_->by_key.erase(s.key);
  s_->link_of.erase(&s);
  s_->links.erase(it);
}

result<void> broker_core::subscribe_link(link_id id, const std::string& filter,
                                         codec::subscribe_options options,
                                         std::uint32_t subscription_id, time_point now) {
  session_state* s = link_session(*s_, id);
  if (s == nullptr) return unexpected(errc::topic_filter_invalid);
  if (topic::validate_filter(filter) || detail::too_deep(*s_, filter))
    return unexpected(errc::topic_filter_invalid);
  if (topic::parse_shared(filter) && options.no_local) // [MQTT-3.8.3-4]
    return unexpected(reason_code::protocol_error);
  const bool added = s_->add_subscription(*s, filter, options, subscription_id);
  s_->send_retained(*s, filter, options, subscription_id, added, now);
  return {};
}

void broker_core::unsubscribe_link(link_id id, const std::string& filter) {
  if (session_state* s = link_session(*s_, id)) s_->remove_subscription(*s, filter);
}

result<void> broker_core::publish(codec::publish message, link_id origin, time_point now) {
  if (topic::validate_name(message.topic) || detail::too_deep(*s_, message.topic))
    return unexpected(errc::topic_name_invalid);
  if (message.qos > 2) return unexpected(errc::qos_invalid);
  message.packet_id = 0;
  message.dup = false;
  message.props.topic_alias.reset();
  message.props.subscription_identifiers.clear();
  ++s_->st.messages_received;
  s_->accept(std::make_shared<const codec::publish>(std::move(message)),
             origin != 0 ? link_session(*s_, origin) : nullptr, now);
  return {};
}

} // namespace mqtk::broker
