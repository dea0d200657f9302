// SPDX-License-Identifier: MIT
// PUBLISH and PUBREL from clients: validation, aliases, QoS handshakes, and the hand-off to
// routing.
#include "mqtk/core/errc.hpp"
#include "mqtk/topic/validate.hpp"
#include "state.hpp"

namespace mqtk::broker::detail {

using codec::protocol_version;

void state::on_publish(connection& c, codec::publish& p, time_point now) {
  session_state& s = *c.sess;
  const bool v5 = c.version() == protocol_version::v5;
  if (p.props.topic_alias) {
    if (!c.aliases.made()) c.aliases.get() = topic::inbound_aliases(c.alias_max);
    if (auto ec = session::apply_inbound_alias(c.aliases.get(), p)) return protocol_error(c, ec);
    p.props.topic_alias.reset(); // the alias is this connection's, not the subscribers'
  }
  if (topic::validate_name(p.topic) || too_deep(*this, p.topic))
    return protocol_error(c, make_error_code(reason_code::topic_name_invalid));
  if (p.props.response_topic && topic::validate_name(*p.props.response_topic)) // [MQTT-3.3.2-14]
    return protocol_error(c, make_error_code(reason_code::topic_name_invalid));
  if (!p.props.subscription_identifiers.empty()) // [MQTT-3.3.4-6]
    return protocol_error(c, make_error_code(reason_code::protocol_error));
  if (const auto mount = mount_of(c); !mount.empty()) p.topic.insert(0, mount);
  if (p.retain && !cfg.lim.retain_available) // told in CONNACK (section 3.2.2.3.5)
    return protocol_error(c, make_error_code(reason_code::retain_not_supported));
  // A publish the policy refuses is answered as a v5 failure (0x87), or, in 3.1.1, whose
  // acknowledgements carry no code, acknowledged and dropped.
  // $SYS belongs to the broker: clients may read it, never write it (but a bridge's state).
  const bool allowed =
      !sys_topic_closed_to(p.topic, s.client_id) &&
      (!policy_checks_topics || policy->may_publish(who(s), p.topic, p.qos, p.retain));
  if (!allowed && (p.qos == 0 || v5)) {
    drop(drop_reason::not_authorized, &s);
    if (p.qos == 1) send(c, codec::puback{p.packet_id, reason_code::not_authorized, {}});
    if (p.qos == 2) send(c, codec::pubrec{p.packet_id, reason_code::not_authorized, {}});
    return;
  }
  // A v5 publisher can be told its retained message was not kept (and send it again later);
  // to anyone else it is delivered without being retained (accept()).
  if (p.retain && v5 && p.qos > 0 && allowed && !retain_fits(p)) {
    drop(drop_reason::retain_limit, &s);
    if (p.qos == 1) send(c, codec::puback{p.packet_id, reason_code::quota_exceeded, {}});
    if (p.qos == 2) send(c, codec::pubrec{p.packet_id, reason_code::quota_exceeded, {}});
    return;
  }
  // mosquitto's message_size_limit: a larger payload is not taken, though its QoS flow completes
  // (v5: 0x83 Implementation specific error, as mosquitto).
  const bool oversize =
      cfg.lim.message_size_limit != 0 && p.payload.size() > cfg.lim.message_size_limit;
  if (oversize && allowed && (p.qos == 0 || v5)) {
    drop(drop_reason::too_large, &s);
    if (p.qos == 1)
      send(c, codec::puback{p.packet_id, reason_code::implementation_specific_error, {}});
    if (p.qos == 2)
      send(c, codec::pubrec{p.packet_id, reason_code::implementation_specific_error, {}});
    return;
  }
  const bool unsaved = store_failing && allowed && !oversize && p.qos > 0 && must_save(s, p);
  if (p.qos == 2) {
    // v5 announced a Receive Maximum [MQTT-3.3.4-9]; 3.1.1 has none.
    const std::size_t limit = v5 ? cfg.lim.receive_maximum : 65'535;
    auto& f = s.flow.get();
    switch (f.receive_qos2(p.packet_id, limit)) {
    case session::inbound_qos2::duplicate: // acknowledge again, route once [MQTT-4.3.3-10]
      send(c, codec::pubrec{p.packet_id, reason_code::success, {}});
      return;
    case session::inbound_qos2::over_limit:
      return protocol_error(c, make_error_code(reason_code::receive_maximum_exceeded));
    case session::inbound_qos2::fresh:
      if (unsaved) {
        f.release_qos2(p.packet_id, c.version()); // never accepted: a resend is new again
        return refuse_unsaved(c, p);
      }
      if (s.journaled) record(journal::inbound_received{s.client_id, p.packet_id});
      break;
    }
  } else if (unsaved) {
    return refuse_unsaved(c, p);
  }
  const auto id = p.packet_id;
  const auto qos = p.qos;
  if (!allowed || oversize) { // 3.1.1, QoS 1 or 2
    drop(allowed ? drop_reason::too_large : drop_reason::not_authorized, &s);
    if (qos == 1) send(c, codec::puback{id, reason_code::success, {}});
    if (qos == 2) send(c, codec::pubrec{id, reason_code::success, {}});
    return;
  }
  p.packet_id = 0;
  p.dup = false;
  // Design: accept() is the one place where a message becomes the broker's responsibility, just
  // before PUBACK/PUBREC; durable persistence hooks in there.
  ++st.messages_received;
  accept(std::make_shared<const codec::publish>(std::move(p)), &s, now);
  if (qos == 1) {
    send(c, codec::puback{id, reason_code::success, {}});
  } else if (qos == 2) {
    send(c, codec::pubrec{id, reason_code::success, {}});
  }
}

// Retained messages, QoS 2 ids of a durable publisher and deliveries to durable sessions are
// saved; a message reaching only clean sessions needs no disk. (Asked only while the store fails:
// it matches the topic a second time.)
bool state::must_save(const session_state& s, const codec::publish& p) {
  if ((p.retain && p.topic.rfind("$SYS/", 0) != 0) || (p.qos == 2 && s.journaled)) return true;
  scratch.clear();
  trie.match(p.topic, scratch);
  for (const auto* sub : scratch.direct)
    if (const auto it = by_key.find(sub->client); it != by_key.end() && it->second->journaled)
      return true;
  for (const auto* g : scratch.groups)
    for (const auto& m : g->members)
      if (const auto it = by_key.find(m.client); it != by_key.end() && it->second->journaled)
        return true;
  return false;
}

// Nothing that cannot be saved is acknowledged: v5 hears Unspecified error, and 3.1.1, whose
// acknowledgements carry no code, loses the connection, so the client sends again later.
void state::refuse_unsaved(connection& c, const codec::publish& p) {
  drop(drop_reason::store_failing, c.sess);
  if (c.version() != protocol_version::v5) return close(c, std::nullopt);
  if (p.qos == 1) send(c, codec::puback{p.packet_id, reason_code::unspecified_error, {}});
  if (p.qos == 2) send(c, codec::pubrec{p.packet_id, reason_code::unspecified_error, {}});
}

void state::on_pubrel(connection& c, const codec::pubrel& p) {
  session_state& s = *c.sess;
  auto& f = s.flow.get();
  // A PUBCOMP whose release is not saved would let a restart hold the id again, and take the
  // client's next QoS 2 message under it for a resend. The client sends PUBREL again later.
  if (store_failing && s.journaled && f.awaits_release(p.packet_id))
    return close(c, reason_code::unspecified_error, "the broker cannot save its state");
  const auto before = f.inbound_pending();
  send(c, codec::pubcomp{p.packet_id, f.release_qos2(p.packet_id, c.version()), {}});
  if (s.journaled && f.inbound_pending() < before)
    record(journal::inbound_released{s.client_id, p.packet_id});
}

} // namespace mqtk::broker::detail
