// SPDX-License-Identifier: MIT
// client_session: connecting, sending, the window, timers and closing. Receiving is in
// client_receive.cpp.
#include "mqtk/session/client_session.hpp"

#include "client_wire.hpp"
#include "mqtk/codec/encoder.hpp"
#include "mqtk/codec/forward.hpp"
#include "mqtk/core/errc.hpp"
#include "mqtk/topic/validate.hpp"

namespace mqtk::session {

using codec::protocol_version;

namespace {
std::uint16_t alias_maximum(const codec::connect& c) {
  return c.version == protocol_version::v5 ? c.props.topic_alias_maximum.value_or(0) : 0;
}
} // namespace

client_session::client_session(client_config config)
    : config_(std::move(config)), decoder_(config_.connect.version),
      inbound_aliases_(alias_maximum(config_.connect)) {
  if (config_.auth) config_.auth = config_.auth->clone(); // its state is this session's
  auto& announced = config_.connect.props.maximum_packet_size;
  if (config_.connect.version == codec::protocol_version::v5 && !announced &&
      config_.max_packet_size < codec::max_packet_size_limit)
    announced = config_.max_packet_size;
}

void client_session::start(time_point now) {
  state_ = state::connecting;
  limits_ = {};
  decoder_ = codec::stream_decoder(
      config_.connect.version,
      std::min(config_.max_packet_size,
               config_.connect.props.maximum_packet_size.value_or(codec::max_packet_size_limit)));
  decoder_.set_reserve_announced(true); // the broker is bound by the size this client announced
  inbound_aliases_ = topic::inbound_aliases(alias_maximum(config_.connect));
  out_.clear();
  awaiting_first_bytes_ = true;
  if (const auto& a = config_.auth) {
    auto data = a->first();
    if (!data) return close(data.error(), false, now, false);
    codec::connect p = config_.connect;
    p.props.authentication_method = a->method();
    p.props.authentication_data = std::move(*data);
    send(p, now);
  } else {
    send(config_.connect, now);
  }
  keep_alive_.reset(duration::zero(), now);
  connack_deadline_ = now + config_.connack_timeout;
}

void client_session::on_connection_lost() {
  if (state_ == state::closed || state_ == state::idle) {
    state_ = state::idle;
    return;
  }
  state_ = state::idle;
  connack_deadline_.reset();
  keep_alive_.reset(duration::zero(), {});
}

void client_session::send(const codec::packet& p, time_point now) {
  const auto before = out_.size();
  if (auto r = codec::encode(p, version(), out_); !r) {
    // Everything queued was validated when it was accepted, so this is a bug; end cleanly.
    out_.resize(before);
    close(r.error(), false, now, false);
    return;
  }
  keep_alive_.on_send(now);
}

void client_session::send_publish(const outbound_message& m, bool dup, time_point now) {
  // A resent QoS 1/2 PUBLISH carries DUP [MQTT-3.3.1-1]; the message itself is never copied.
  if (auto ec = write_publish(*m.message, {m.packet_id, m.qos, m.retain, dup, {}, std::nullopt}))
    return close(ec, false, now, false);
  keep_alive_.on_send(now);
}

client_session::unfinished client_session::take_unacknowledged() {
  unfinished out;
  const auto add = [&](const outbound_message& e) {
    out.messages.push_back(*e.message);
    out.messages.back().qos = e.qos;
    out.messages.back().retain = e.retain;
  };
  for (const auto& e : flow_.inflight().entries())
    if (e.state == inflight_state::awaiting_pubcomp)
      out.received.push_back(e.packet_id);
    else
      add(e);
  while (auto e = flow_.pop_queued())
    add(*e);
  flow_ = flow{};
  return out;
}

void client_session::send_qos0(const codec::publish& m, time_point now) {
  if (m.props.topic_alias) return send(m, now); // the caller's own alias, as it is
  if (auto ec = write_publish(m, {0, 0, m.retain, false, {}, std::nullopt}))
    return close(ec, false, now, false);
  keep_alive_.on_send(now);
}

std::error_code client_session::write_publish(const codec::publish& m, codec::forward_fields f) {
  const bool alias = sent_aliases_ && m.topic.size() >= 8 && !m.props.topic_alias;
  if (alias) {
    const auto choice = sent_aliases_->peek(m.topic);
    f.topic_alias = choice.alias;
    f.alias_known = !choice.send_topic;
    // The alias costs 3 bytes: a message at the server's limit goes without one.
    if (auto size = codec::forward_size(m, f, version());
        !size || *size > limits_.maximum_packet_size)
      f.topic_alias = 0, f.alias_known = false;
  }
  const auto before = out_.size();
  if (auto r = codec::encode_forward(m, f, version(), out_); !r) {
    out_.resize(before); // validated when it was accepted, so a bug; the caller ends cleanly
    return r.error();
  }
  if (f.topic_alias != 0) sent_aliases_->assign(m.topic); // [MQTT-3.3.2-9]: within its maximum
  return {};
}

std::size_t client_session::window() const noexcept {
  return flow::window_for(limits_.receive_maximum, config_.max_inflight);
}

void client_session::fill_window(time_point now) {
  if (state_ != state::connected || !flow_.has_waiting()) return;
  wire w(*this, now);
  flow_.fill(w, window());
}

result<std::uint16_t> client_session::publish(codec::publish message, time_point now) {
  if (message.qos > 2) return unexpected(errc::qos_invalid);
  if (!(message.topic.empty() && message.props.topic_alias))
    if (auto ec = topic::validate_name(message.topic)) return unexpected(ec);
  if (state_ == state::connected) {
    if (message.qos > limits_.maximum_qos) return unexpected(reason_code::qos_not_supported);
    if (message.retain && !limits_.retain_available)
      return unexpected(reason_code::retain_not_supported);
  }
  message.dup = false;
  if (message.qos == 0) {
    message.packet_id = 0;
    const auto size = codec::encoded_size(message, version());
    if (!size) return unexpected(size.error());
    if (*size > limits_.maximum_packet_size) return unexpected(reason_code::packet_too_large);
    if (state_ == state::connected)
      send_qos0(message, now);
    else
      before_connack_.emplace_back(std::move(message));
    return std::uint16_t{0};
  }
  // The packet id is taken when the message enters the window, so that any number of messages
  // may wait for room (65,535 ids are plenty for a window, not for a queue).
  message.packet_id = 1; // sized with an id; the real one comes in fill_window()
  const auto size = codec::encoded_size(message, version());
  if (!size) return unexpected(size.error());
  if (*size > limits_.maximum_packet_size) return unexpected(reason_code::packet_too_large);
  message.packet_id = 0;
  auto m = outbound_message::of(std::make_shared<const codec::publish>(std::move(message)));
  const auto before = flow_.inflight().size();
  if (state_ != state::connected) {
    flow_.enqueue(std::move(m)); // until CONNACK
  } else {
    wire w(*this, now);
    flow_.send_or_enqueue(std::move(m), w, window());
  }
  return flow_.inflight().size() > before ? flow_.inflight().entries().back().packet_id
                                          : std::uint16_t{0};
}

result<std::uint16_t> client_session::request(codec::packet p, std::uint16_t id, time_point now) {
  if (auto size = codec::encoded_size(p, version()); !size) {
    flow_.release_request_id(id);
    return unexpected(size.error());
  }
  if (state_ == state::connected)
    send(p, now);
  else
    before_connack_.push_back(std::move(p));
  return id;
}

result<std::uint16_t> client_session::subscribe(std::vector<codec::subscription> topics,
                                                codec::properties props, time_point now) {
  for (const auto& t : topics)
    if (auto ec = topic::validate_filter(t.filter)) return unexpected(ec);
  const auto id = flow_.claim_request_id();
  if (!id) return unexpected(reason_code::quota_exceeded);
  return request(codec::subscribe{*id, std::move(topics), std::move(props)}, *id, now);
}

result<std::uint16_t> client_session::unsubscribe(std::vector<std::string> filters,
                                                  codec::properties props, time_point now) {
  for (const auto& f : filters)
    if (auto ec = topic::validate_filter(f)) return unexpected(ec);
  const auto id = flow_.claim_request_id();
  if (!id) return unexpected(reason_code::quota_exceeded);
  return request(codec::unsubscribe{*id, std::move(filters), std::move(props)}, *id, now);
}

void client_session::disconnect(reason_code code, codec::properties props, time_point now) {
  if (state_ == state::closed) return;
  if (state_ != state::idle) {
    codec::disconnect d{version() == protocol_version::v5 ? code : reason_code::success,
                        version() == protocol_version::v5 ? std::move(props) : codec::properties{}};
    send(d, now);
  }
  state_ = state::closed;
  connack_deadline_.reset();
  events_.push_back(event::closed{make_error_code(code), false, std::nullopt, std::nullopt});
}

void client_session::close(std::error_code ec, bool by_server, time_point now,
                           bool send_disconnect) {
  if (state_ == state::closed) return;
  if (send_disconnect && version() == protocol_version::v5) {
    codec::disconnect d{reason_for(ec), {}};
    // Not every reason suits a DISCONNECT (e.g. a CONNACK-only code): say Protocol Error then.
    if (!codec::encode(d, version(), out_)) {
      d.code = reason_code::protocol_error;
      (void)codec::encode(d, version(), out_);
    }
    keep_alive_.on_send(now);
  }
  state_ = state::closed;
  connack_deadline_.reset();
  events_.push_back(event::closed{ec, by_server, std::nullopt, std::nullopt});
}

void client_session::protocol_violation(std::error_code ec, time_point now) {
  close(ec, false, now, true);
}

void client_session::on_tick(time_point now) {
  if (state_ == state::connecting && connack_deadline_ && now >= *connack_deadline_) {
    close(std::make_error_code(std::errc::timed_out), false, now, false);
    return;
  }
  if (state_ != state::connected) return;
  switch (keep_alive_.check(now)) {
  case client_keep_alive::action::send_ping:
    send(codec::pingreq{}, now);
    keep_alive_.on_ping_sent(now);
    break;
  case client_keep_alive::action::timed_out:
    // No PINGRESP within a keep-alive period: the server is gone [MQTT-3.1.2-20].
    close(make_error_code(reason_code::keep_alive_timeout), false, now, true);
    break;
  case client_keep_alive::action::none:
    break;
  }
}

std::optional<time_point> client_session::next_deadline() const noexcept {
  if (state_ == state::connecting) return connack_deadline_;
  if (state_ == state::connected) return keep_alive_.deadline();
  return std::nullopt;
}

void client_session::take_output(buffer& out) {
  out.clear();
  std::swap(out, out_);
}

std::vector<client_event> client_session::take_events() {
  std::vector<client_event> e;
  std::swap(e, events_);
  return e;
}

} // namespace mqtk::session
