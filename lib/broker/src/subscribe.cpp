// SPDX-License-Identifier: MIT
// SUBSCRIBE and UNSUBSCRIBE: filters into the trie, SUBACK/UNSUBACK, retained messages.
#include <algorithm>

#include "mqtk/core/errc.hpp"
#include "mqtk/topic/validate.hpp"
#include "state.hpp"

namespace mqtk::broker::detail {

using codec::protocol_version;

void state::on_subscribe(connection& c, codec::subscribe& p, time_point now) {
  session_state& s = *c.sess;
  const bool v5 = c.version() == protocol_version::v5;
  const std::uint32_t sub_id =
      p.props.subscription_identifiers.empty() ? 0 : p.props.subscription_identifiers.front();
  codec::suback ack{p.packet_id, {}, {}};
  struct retained_request {
    std::string filter;
    codec::subscribe_options options;
    bool added;
  };
  std::vector<retained_request> want_retained;
  for (auto& t : p.topics) {
    const auto shared = topic::parse_shared(t.filter);
    if (shared && t.options.no_local) // [MQTT-3.8.3-4]
      return protocol_error(c, make_error_code(reason_code::protocol_error));
    if (topic::validate_filter(t.filter) || too_deep(*this, t.filter)) {
      ack.codes.push_back(v5 ? reason_code::topic_filter_invalid : reason_code::unspecified_error);
      continue;
    }
    if (s.bridge && !shared) {
      // A bridge (try_private) must not get its own messages back, or two brokers bridged both
      // ways pass each message between them for ever; and the other broker keeps a retained
      // message only if its RETAIN flag arrives as published. MQTT 5 bridges ask for both with
      // subscription options; 3.1.1 has none, so the bridge bit stands for them, as in mosquitto.
      t.options.no_local = true;
      t.options.retain_as_published = true;
    }
    if (const auto mount = mount_of(c); !mount.empty()) t.filter = mounted_filter(mount, t.filter);
    if (policy_checks_topics && !policy->may_subscribe(who(s), t.filter, t.options.qos)) {
      ack.codes.push_back(v5 ? reason_code::not_authorized : reason_code::unspecified_error);
      continue;
    }
    if (store_failing && s.journaled) { // a SUBACK would promise what a restart forgets
      ack.codes.push_back(reason_code::unspecified_error);
      continue;
    }
    const bool added = add_subscription(s, t.filter, t.options, sub_id);
    ack.codes.push_back(static_cast<reason_code>(t.options.qos)); // granted QoS [MQTT-3.9.3-1]
    want_retained.push_back({t.filter, t.options, added});
  }
  if (cfg.log_subscriptions) log_subscribe(s, p, ack);
  send(c, ack); // SUBACK first, then the retained messages it brought
  for (const auto& r : want_retained)
    send_retained(s, r.filter, r.options, sub_id, r.added, now);
}

void state::log_subscribe(const session_state& s, const codec::subscribe& p,
                          const codec::suback& ack) {
  for (std::size_t k = 0; k < p.topics.size() && k < ack.codes.size(); ++k) {
    const auto code = ack.codes[k];
    const auto granted = static_cast<unsigned>(code);
    say(log_level::subscribe, "client " + s.client_id + " subscribed to " + p.topics[k].filter +
                                  (granted <= 2 ? ": QoS " + std::to_string(granted)
                                                : ": refused (" + std::string(name(code)) + ")"));
  }
}

bool state::add_subscription(session_state& s, const std::string& filter,
                             codec::subscribe_options options, std::uint32_t sub_id) {
  const bool added = trie.insert(filter, {s.key, options, sub_id});
  s.subscriptions.get()[filter] = {options, sub_id};
  if (s.journaled) record(journal::subscription_added{s.client_id, filter, options, sub_id});
  return added;
}

bool state::remove_subscription(session_state& s, const std::string& filter) {
  auto& subs = s.subscriptions.get();
  const auto it = subs.find(filter);
  if (it == subs.end()) return false;
  trie.erase(filter, s.key);
  subs.erase(it);
  if (s.journaled) record(journal::subscription_removed{s.client_id, filter});
  return true;
}

// Retained messages: never to shared subscriptions; Retain Handling 0 always, 1 only for a new
// subscription, 2 never [MQTT-3.3.1-9] [MQTT-3.3.1-10] [MQTT-3.3.1-11].
void state::send_retained(session_state& s, const std::string& filter,
                          codec::subscribe_options options, std::uint32_t sub_id, bool added,
                          time_point now) {
  const auto rh = options.retain_handling;
  if (topic::parse_shared(filter) || !(rh == 0 || (rh == 1 && added))) return;
  std::vector<std::string> topics;
  retained.find_topics(filter, topics);
  // In topic order, not the tree's hash order: the same retained set is sent alike every time,
  // also by a broker restored from its store.
  std::sort(topics.begin(), topics.end());
  for (const auto& t : topics) {
    auto found = retained.get(t);
    if (!found) continue;
    auto& e = *found;
    if (e.expires_at && now >= *e.expires_at) { // forget it rather than deliver it [MQTT-3.3.2-5]
      const auto clear = std::make_shared<const codec::publish>(
          codec::publish{e.msg->topic, {}, 0, 0, true, false, {}});
      retained.set(clear);
      if (cfg.journal) journal_retained(clear, std::nullopt, 0);
      continue;
    }
    outbound_message o;
    o.expires_at = e.expires_at;
    o.qos = std::min(e.msg->qos, options.qos);
    o.retain = true; // retained messages sent on subscribe keep RETAIN [MQTT-3.3.1-8]
    if (sub_id != 0) o.sub_ids.push_back(sub_id);
    o.message = std::move(e.msg);
    o.message_id = e.id;
    deliver(s, std::move(o), now);
  }
}

void state::on_unsubscribe(connection& c, const codec::unsubscribe& p) {
  session_state& s = *c.sess;
  codec::unsuback ack{p.packet_id, {}, {}};
  const auto mount = mount_of(c);
  for (const auto& unmounted : p.filters) {
    const auto f = mount.empty() ? unmounted : mounted_filter(mount, unmounted);
    const bool existed = remove_subscription(s, f);
    if (cfg.log_subscriptions)
      say(log_level::unsubscribe, "client " + s.client_id + " unsubscribed from " + f +
                                      (existed ? "" : " (it had no such subscription)"));
    if (c.version() == protocol_version::v5)
      ack.codes.push_back(existed ? reason_code::success : reason_code::no_subscription_existed);
  }
  send(c, ack);
}

} // namespace mqtk::broker::detail
