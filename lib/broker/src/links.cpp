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
} // namespace

link_id broker_core::attach_link(std::string name, std::shared_ptr<local_link> link) {
  auto s = std::make_unique<session_state>();
  s->client_id = std::move(name);
  s->key = s_->next_key++;
  s->expiry = 0xFFFFFFFF; // a link's session lasts until it is detached
  s_->by_key[s->key] = s.get();
  s_->link_of[s.get()] = link.get();
  const link_id id = s->key;
  s_->links.emplace(id, detail::state::link_entry{std::move(s), std::move(link)});
  return id;
}

void broker_core::detach_link(link_id id) {
  const auto it = s_->links.find(id);
  if (it == s_->links.end()) return;
  session_state& s = *it->second.session;
  if (const auto* subs = s.subscriptions.peek())
    for (const auto& [filter, rec] : *subs)
      s_->trie.erase(filter, s.key);
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
