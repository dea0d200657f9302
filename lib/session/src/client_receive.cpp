// SPDX-License-Identifier: MIT
// client_session: what the client does with each packet the server sends.
#include "mqtk/core/errc.hpp"
#include "mqtk/session/client_session.hpp"

namespace mqtk::session {

using codec::protocol_version;

void client_session::on_bytes(byte_view bytes, time_point now) {
  if (state_ != state::connecting && state_ != state::connected) return;
  if (awaiting_first_bytes_ && refused_as_311(bytes)) {
    state_ = state::closed;
    connack_deadline_.reset();
    events_.push_back(event::closed{make_error_code(reason_code::unsupported_protocol_version),
                                    true, std::nullopt, std::nullopt});
    return;
  }
  awaiting_first_bytes_ = false;
  decoder_.feed(bytes);
  while (state_ == state::connecting || state_ == state::connected) {
    auto next = decoder_.next();
    if (!next) return protocol_violation(next.error(), now);
    if (!*next) return;
    handle(**next, now);
  }
}

// A 3.1.1-only server answers an MQTT 5 CONNECT in its own format: CONNACK return code 0x01,
// "unacceptable protocol level" [MQTT-3.1.2-2] of 3.1.1, which is no valid 5.0 reason code.
bool client_session::refused_as_311(byte_view bytes) const noexcept {
  return version() == protocol_version::v5 && bytes.size() >= 4 && bytes[0] == 0x20 &&
         bytes[1] == 0x02 && bytes[2] == 0x00 && bytes[3] == 0x01;
}

void client_session::handle(codec::packet& p, time_point now) {
  if (state_ == state::connecting) {
    // The first packet from the server must be CONNACK [MQTT-3.2.0-1].
    if (auto* ack = std::get_if<codec::connack>(&p)) return on_connack(*ack, now);
    return protocol_violation(make_error_code(reason_code::protocol_error), now);
  }
  std::visit(
      [&](auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, codec::publish>) {
          on_publish(x, now);
        } else if constexpr (std::is_same_v<T, codec::puback>) {
          on_puback(x);
        } else if constexpr (std::is_same_v<T, codec::pubrec>) {
          on_pubrec(x, now);
        } else if constexpr (std::is_same_v<T, codec::pubrel>) {
          on_pubrel(x, now);
        } else if constexpr (std::is_same_v<T, codec::pubcomp>) {
          on_pubcomp(x);
        } else if constexpr (std::is_same_v<T, codec::suback>) {
          if (ids_.release(x.packet_id)) events_.push_back(event::subscribe_done{std::move(x)});
        } else if constexpr (std::is_same_v<T, codec::unsuback>) {
          if (ids_.release(x.packet_id)) events_.push_back(event::unsubscribe_done{std::move(x)});
        } else if constexpr (std::is_same_v<T, codec::pingresp>) {
          keep_alive_.on_pingresp();
        } else if constexpr (std::is_same_v<T, codec::disconnect>) {
          state_ = state::closed;
          events_.push_back(event::closed{make_error_code(x.code), true, x.props.reason_string,
                                          x.props.server_reference});
        } else {
          // CONNECT, a second CONNACK, SUBSCRIBE, UNSUBSCRIBE, PINGREQ and AUTH (no enhanced
          // authentication was asked for) are not for a client to receive.
          protocol_violation(make_error_code(reason_code::protocol_error), now);
        }
      },
      p);
  fill_window(now); // an acknowledgement may have made room
}

void client_session::on_connack(const codec::connack& ack, time_point now) {
  connack_deadline_.reset();
  if (is_failure(ack.code)) {
    state_ = state::closed;
    events_.push_back(event::closed{make_error_code(ack.code), true, ack.props.reason_string,
                                    ack.props.server_reference});
    return;
  }
  const auto& p = ack.props;
  limits_.receive_maximum = p.receive_maximum.value_or(65'535);
  limits_.maximum_qos = p.maximum_qos.value_or(2);
  limits_.retain_available = p.retain_available.value_or(1) == 1;
  limits_.maximum_packet_size = p.maximum_packet_size.value_or(codec::max_packet_size_limit);
  limits_.topic_alias_maximum = p.topic_alias_maximum.value_or(0);
  limits_.wildcard_available = p.wildcard_subscription_available.value_or(1) == 1;
  limits_.subscription_ids_available = p.subscription_identifier_available.value_or(1) == 1;
  limits_.shared_available = p.shared_subscription_available.value_or(1) == 1;
  state_ = state::connected;
  // The server's keep-alive replaces ours [MQTT-3.2.2-21].
  const auto keep_alive = p.server_keep_alive.value_or(config_.connect.keep_alive);
  keep_alive_.reset(std::chrono::seconds(keep_alive), now);
  events_.push_back(event::connected{ack});
  resume(ack.session_present, now);
  while (state_ == state::connected && !before_connack_.empty()) {
    send(before_connack_.front(), now);
    before_connack_.pop_front();
  }
  fill_window(now);
}

// Design: with a session present, unacknowledged PUBLISH and PUBREL packets are resent in their
// original order with their original ids [MQTT-4.4.0-1], PUBLISH with DUP. Without one the server
// forgot them: QoS 1 and QoS 2 messages not yet PUBREC'd are sent again as new messages (the
// at-least-once promise to our user outranks a possible duplicate), and QoS 2 messages already
// PUBREC'd were received by the server, so they are complete.
void client_session::resume(bool session_present, time_point now) {
  if (!session_present) inbound_qos2_.clear();
  std::vector<inflight_entry> entries(inflight_.entries().begin(), inflight_.entries().end());
  for (const auto& e : entries) {
    if (e.state == inflight_state::awaiting_pubcomp) {
      if (session_present) {
        send(codec::pubrel{e.packet_id, reason_code::success, {}}, now);
      } else {
        inflight_.remove(e.packet_id);
        ids_.release(e.packet_id);
        events_.push_back(event::publish_done{e.packet_id, reason_code::success, std::nullopt});
      }
    } else {
      send_publish(*e.message, session_present, now);
    }
  }
}

void client_session::on_publish(codec::publish& p, time_point now) {
  if (p.props.topic_alias) {
    auto topic = inbound_aliases_.resolve(*p.props.topic_alias, p.topic);
    if (!topic) return protocol_violation(make_error_code(reason_code::topic_alias_invalid), now);
    if (p.topic.empty()) p.topic = *topic;
  }
  switch (p.qos) {
  case 0:
    events_.push_back(event::message{std::move(p)});
    return;
  case 1: {
    const auto id = p.packet_id;
    events_.push_back(event::message{std::move(p)});
    send(codec::puback{id, reason_code::success, {}}, now);
    return;
  }
  default: {
    const auto id = p.packet_id;
    // A QoS 2 id already PUBREC'd is a redelivery: acknowledge, do not deliver twice
    // [MQTT-4.3.3-10].
    if (!inbound_qos2_.count(id)) {
      const auto receive_max = config_.connect.props.receive_maximum.value_or(65'535);
      if (inbound_qos2_.size() >= receive_max) // [MQTT-3.3.4-9]
        return protocol_violation(make_error_code(reason_code::receive_maximum_exceeded), now);
      inbound_qos2_.insert(id);
      events_.push_back(event::message{std::move(p)});
    }
    send(codec::pubrec{id, reason_code::success, {}}, now);
  }
  }
}

void client_session::complete(std::uint16_t id, reason_code code, const codec::properties& props) {
  if (!inflight_.remove(id)) return;
  ids_.release(id);
  events_.push_back(event::publish_done{id, code, props.reason_string});
}

void client_session::on_puback(const codec::puback& p) {
  const auto* e = inflight_.find(p.packet_id);
  // An acknowledgement for an id we do not hold (or of the wrong kind) is ignored.
  if (e == nullptr || e->state != inflight_state::awaiting_puback) return;
  complete(p.packet_id, p.code, p.props);
}

void client_session::on_pubrec(const codec::pubrec& p, time_point now) {
  const auto* e = inflight_.find(p.packet_id);
  if (e == nullptr) {
    // Answer so the server can free its state; v5 can say the id is unknown.
    const auto rc = version() == protocol_version::v5 ? reason_code::packet_identifier_not_found
                                                      : reason_code::success;
    return send(codec::pubrel{p.packet_id, rc, {}}, now);
  }
  // A failure code ends the exchange: no PUBREL follows (section 4.3.3).
  if (is_failure(p.code)) return complete(p.packet_id, p.code, p.props);
  inflight_.on_pubrec(p.packet_id);
  send(codec::pubrel{p.packet_id, reason_code::success, {}}, now);
}

void client_session::on_pubrel(const codec::pubrel& p, time_point now) {
  const bool known = inbound_qos2_.erase(p.packet_id) != 0;
  const auto rc = known || version() == protocol_version::v311
                      ? reason_code::success
                      : reason_code::packet_identifier_not_found;
  send(codec::pubcomp{p.packet_id, rc, {}}, now);
}

void client_session::on_pubcomp(const codec::pubcomp& p) {
  const auto* e = inflight_.find(p.packet_id);
  if (e == nullptr || e->state != inflight_state::awaiting_pubcomp) return;
  complete(p.packet_id, p.code, p.props);
}

} // namespace mqtk::session
