// SPDX-License-Identifier: MIT
// client_session: what the client does with each packet the server sends.
#include "client_wire.hpp"
#include "mqtk/core/errc.hpp"

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
    // The first packet from the server must be CONNACK [MQTT-3.2.0-1], or AUTH during
    // enhanced authentication (section 4.12).
    if (auto* ack = std::get_if<codec::connack>(&p)) return on_connack(*ack, now);
    if (auto* a = std::get_if<codec::auth>(&p); a && config_.auth) return on_auth(*a, now);
    return protocol_violation(make_error_code(reason_code::protocol_error), now);
  }
  wire w(*this, now);
  std::visit(
      [&](auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, codec::publish>) {
          on_publish(x, now);
        } else if constexpr (std::is_same_v<T, codec::puback>) {
          flow_.on_puback(x.packet_id, x.code, x.props, w);
        } else if constexpr (std::is_same_v<T, codec::pubrec>) {
          flow_.on_pubrec(x.packet_id, x.code, x.props, version(), w, window());
        } else if constexpr (std::is_same_v<T, codec::pubrel>) {
          send(codec::pubcomp{x.packet_id, flow_.release_qos2(x.packet_id, version()), {}}, now);
        } else if constexpr (std::is_same_v<T, codec::pubcomp>) {
          flow_.on_pubcomp(x.packet_id, x.code, x.props, w);
        } else if constexpr (std::is_same_v<T, codec::suback>) {
          if (flow_.release_request_id(x.packet_id))
            events_.push_back(event::subscribe_done{std::move(x)});
        } else if constexpr (std::is_same_v<T, codec::unsuback>) {
          if (flow_.release_request_id(x.packet_id))
            events_.push_back(event::unsubscribe_done{std::move(x)});
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

void client_session::acknowledge(const codec::publish& m, time_point now) {
  if (!config_.manual_ack || state_ != state::connected) return;
  if (m.qos == 1) send(codec::puback{m.packet_id, reason_code::success, {}}, now);
  if (m.qos == 2 && unacked_qos2_.erase(m.packet_id) != 0)
    send(codec::pubrec{m.packet_id, reason_code::success, {}}, now);
}

void client_session::on_auth(const codec::auth& a, time_point now) {
  const auto& auth = *config_.auth;
  if (a.code != reason_code::continue_authentication ||
      a.props.authentication_method != auth.method())
    return protocol_violation(make_error_code(reason_code::protocol_error), now);
  auto data = config_.auth->next(a.props.authentication_data.value_or(""));
  if (!data) return protocol_violation(data.error(), now);
  codec::auth reply{reason_code::continue_authentication, {}};
  reply.props.authentication_method = auth.method();
  reply.props.authentication_data = std::move(*data);
  send(reply, now);
}

void client_session::on_connack(const codec::connack& ack, time_point now) {
  connack_deadline_.reset();
  if (is_failure(ack.code)) {
    state_ = state::closed;
    events_.push_back(event::closed{make_error_code(ack.code), true, ack.props.reason_string,
                                    ack.props.server_reference});
    return;
  }
  // The server proves itself in the CONNACK's data; without that proof, nothing is sent.
  if (config_.auth) {
    if (ack.props.authentication_method != config_.auth->method())
      return protocol_violation(make_error_code(errc::auth_exchange_failed), now);
    if (auto ok = config_.auth->finish(ack.props.authentication_data.value_or("")); !ok)
      return protocol_violation(ok.error(), now);
  }
  // Clean Start leaves no session for the server to have kept [MQTT-3.2.2-2], so Session
  // Present 1 means the two sides disagree: the client closes [MQTT-3.2.2-4].
  if (ack.session_present && config_.connect.clean_start && version() == protocol_version::v5)
    return protocol_violation(make_error_code(reason_code::protocol_error), now);
  const auto& p = ack.props;
  limits_.receive_maximum = p.receive_maximum.value_or(65'535);
  limits_.maximum_qos = p.maximum_qos.value_or(2);
  limits_.retain_available = p.retain_available.value_or(1) == 1;
  limits_.maximum_packet_size = p.maximum_packet_size.value_or(codec::max_packet_size_limit);
  limits_.topic_alias_maximum = p.topic_alias_maximum.value_or(0);
  // Aliases last as long as the connection (section 3.3.2.3.4): a new one starts empty.
  sent_aliases_.reset();
  if (config_.topic_aliases && limits_.topic_alias_maximum != 0 &&
      version() == protocol_version::v5)
    sent_aliases_.emplace(limits_.topic_alias_maximum);
  limits_.wildcard_available = p.wildcard_subscription_available.value_or(1) == 1;
  limits_.subscription_ids_available = p.subscription_identifier_available.value_or(1) == 1;
  limits_.shared_available = p.shared_subscription_available.value_or(1) == 1;
  state_ = state::connected;
  // The server's keep-alive replaces ours [MQTT-3.2.2-21].
  const auto keep_alive = p.server_keep_alive.value_or(config_.connect.keep_alive);
  keep_alive_.reset(std::chrono::seconds(keep_alive), now);
  events_.push_back(event::connected{ack});
  {
    wire w(*this, now);
    flow_.resume(w, ack.session_present, window()); // [MQTT-4.4.0-1]
  }
  while (state_ == state::connected && !before_connack_.empty()) {
    if (const auto* m = std::get_if<codec::publish>(&before_connack_.front()))
      send_qos0(*m, now);
    else
      send(before_connack_.front(), now);
    before_connack_.pop_front();
  }
  fill_window(now);
}

void client_session::on_publish(codec::publish& p, time_point now) {
  if (auto ec = apply_inbound_alias(inbound_aliases_, p)) return protocol_violation(ec, now);
  switch (p.qos) {
  case 0:
    events_.push_back(event::message{std::move(p)});
    return;
  case 1: {
    const auto id = p.packet_id;
    events_.push_back(event::message{std::move(p)});
    if (!config_.manual_ack) send(codec::puback{id, reason_code::success, {}}, now);
    return;
  }
  default: {
    const auto id = p.packet_id;
    const auto receive_max = config_.connect.props.receive_maximum.value_or(65'535);
    switch (flow_.receive_qos2(id, receive_max)) {
    case inbound_qos2::over_limit:
      return protocol_violation(make_error_code(reason_code::receive_maximum_exceeded), now);
    case inbound_qos2::fresh:
      events_.push_back(event::message{std::move(p)});
      if (config_.manual_ack) {
        unacked_qos2_.insert(id);
        return;
      }
      break;
    case inbound_qos2::duplicate:
      if (unacked_qos2_.count(id) != 0) return; // the caller has not acknowledged it yet
      break;
    }
    send(codec::pubrec{id, reason_code::success, {}}, now);
  }
  }
}

} // namespace mqtk::session
