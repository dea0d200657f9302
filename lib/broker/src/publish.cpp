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
  if (p.props.topic_alias) { // inbound alias [MQTT-3.3.2-9]
    if (!c.aliases.made()) c.aliases.get() = topic::inbound_aliases(c.alias_max);
    auto topic = c.aliases.get().resolve(*p.props.topic_alias, p.topic);
    if (!topic) return protocol_error(c, make_error_code(reason_code::topic_alias_invalid));
    if (p.topic.empty()) p.topic = *topic;
    p.props.topic_alias.reset();
  }
  if (topic::validate_name(p.topic) || too_deep(*this, p.topic))
    return protocol_error(c, make_error_code(reason_code::topic_name_invalid));
  if (!p.props.subscription_identifiers.empty()) // [MQTT-3.3.4-6]
    return protocol_error(c, make_error_code(reason_code::protocol_error));
  if (p.qos == 2) {
    if (s.flow.get().inbound_qos2.count(
            p.packet_id)) { // a resend: acknowledge again, route once [MQTT-4.3.3-10]
      send(c, codec::pubrec{p.packet_id, reason_code::success, {}});
      return;
    }
    if (v5 && s.flow.get().inbound_qos2.size() >= cfg.lim.receive_maximum) // [MQTT-3.3.4-9]
      return protocol_error(c, make_error_code(reason_code::receive_maximum_exceeded));
  }
  const auto id = p.packet_id;
  const auto qos = p.qos;
  p.packet_id = 0;
  p.dup = false;
  // Design: accept() is the one place where a message becomes the broker's responsibility, just
  // before PUBACK/PUBREC; durable persistence hooks in there.
  ++st.messages_received;
  accept(std::make_shared<const codec::publish>(std::move(p)), &s, now);
  if (qos == 1) {
    send(c, codec::puback{id, reason_code::success, {}});
  } else if (qos == 2) {
    s.flow.get().inbound_qos2.insert(id);
    send(c, codec::pubrec{id, reason_code::success, {}});
  }
}

void state::on_pubrel(connection& c, const codec::pubrel& p) {
  const bool known = c.sess->flow.get().inbound_qos2.erase(p.packet_id) != 0;
  const auto rc = known || c.version() == protocol_version::v311
                      ? reason_code::success
                      : reason_code::packet_identifier_not_found;
  send(c, codec::pubcomp{p.packet_id, rc, {}});
}

} // namespace mqtk::broker::detail
