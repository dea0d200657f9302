// SPDX-License-Identifier: MIT
// Strict decoders for all 15 control packets, in 3.1.1 and 5.0.
#include "mqtk/codec/decoder.hpp"

#include "reason_rules.hpp"
#include "wire.hpp"

namespace mqtk::codec {
namespace {

using detail::reader;
using pv = protocol_version;
using pt = packet_type;

std::uint16_t packet_id(reader& r) {
  const auto id = r.u16();
  if (id == 0 && r.ok()) r.fail(errc::packet_id_zero); // [MQTT-2.2.1-3] [MQTT-2.3.1-1]
  return id;
}

reason_code read_code(reader& r, pt type) {
  const auto rc = static_cast<reason_code>(r.u8());
  if (r.ok() && !detail::reason_allowed(type, rc)) r.fail(errc::reason_code_invalid);
  return rc;
}

template <class P>
result<packet> finish(reader& r, P&& p) {
  if (r.ok() && r.remaining() != 0) r.fail(errc::trailing_bytes);
  if (!r.ok()) return unexpected(r.error());
  return packet(std::forward<P>(p));
}

// ---- CONNECT (section 3.1.2)

void read_connect_header(reader& r, connect& p, std::uint8_t& flags) {
  const auto name = r.utf8();
  if (!r.ok()) return;
  if (name != "MQTT") {
    // 3.1 ("MQIsdp", level 3) is a known protocol we do not speak; anything else is not MQTT.
    return r.fail(name == "MQIsdp" ? errc::protocol_version_unsupported
                                   : errc::protocol_name_invalid); // [MQTT-3.1.2-1]
  }
  auto level = r.u8();
  if (!r.ok()) return;
  // Design: the top bit marks a bridge (mosquitto, RSMB and others set it with try_private); the
  // level itself is the seven bits below it.
  p.bridge = level & 0x80;
  level &= 0x7F;
  if (level != 4 && level != 5) return r.fail(errc::protocol_version_unsupported); // [MQTT-3.1.2-2]
  p.version = static_cast<pv>(level);
  flags = r.u8();
  if (!r.ok()) return;
  if (flags & 0x01) return r.fail(errc::connect_reserved_flag); // [MQTT-3.1.2-3]
  const bool will = flags & 0x04;
  const auto will_qos = static_cast<std::uint8_t>(flags >> 3 & 0x03);
  const bool will_retain = flags & 0x20;
  if (!will && (will_qos != 0 || will_retain)) // [MQTT-3.1.2-11] [MQTT-3.1.2-13]
    return r.fail(errc::will_flags_without_will);
  if (will_qos == 3) return r.fail(errc::will_qos_invalid); // [MQTT-3.1.2-12]
  const bool user = flags & 0x80;
  const bool pass = flags & 0x40;
  if (p.version == pv::v311 && pass && !user) // [MQTT-3.1.2-22]
    return r.fail(errc::password_without_username);
  p.clean_start = flags & 0x02;
  p.keep_alive = r.u16();
}

result<packet> decode_connect(reader& r) {
  connect p;
  std::uint8_t flags = 0;
  read_connect_header(r, p, flags);
  if (!r.ok()) return unexpected(r.error());
  if (p.version == pv::v5) detail::read_properties(r, property_context::connect, p.props);
  p.client_id = r.utf8(); // [MQTT-3.1.3-4]
  if (flags & 0x04) {
    will_message w;
    if (p.version == pv::v5) detail::read_properties(r, property_context::will, w.props);
    w.topic = r.utf8(); // [MQTT-3.1.3-10]
    w.payload = r.binary();
    w.qos = static_cast<std::uint8_t>(flags >> 3 & 0x03);
    w.retain = flags & 0x20;
    p.will = std::move(w);
  }
  if (flags & 0x80) p.username = r.utf8(); // [MQTT-3.1.3-11]
  if (flags & 0x40) p.password = r.binary();
  return finish(r, std::move(p));
}

// ---- CONNACK (section 3.2.2)

result<packet> decode_connack(reader& r, pv v) {
  connack p;
  const auto flags = r.u8();
  if (r.ok() && (flags & 0xFE) != 0) r.fail(errc::connack_reserved_flags); // [MQTT-3.2.2-1]
  p.session_present = flags & 0x01;
  if (v == pv::v311) {
    const auto code = r.u8();
    const auto mapped = detail::from_v311_connack(code);
    if (r.ok() && !mapped) r.fail(errc::reason_code_invalid);
    p.code = mapped.value_or(reason_code::success);
  } else {
    p.code = read_code(r, pt::connack);
    detail::read_properties(r, property_context::connack, p.props);
  }
  return finish(r, std::move(p));
}

// ---- PUBLISH (section 3.3)

// Everything of a PUBLISH but its payload, which is what `r` has left when this returns true.
// Fills `p` in place: a PUBLISH is decoded per message, and moving one costs.
bool decode_publish_head(reader& r, std::uint8_t flags, pv v, publish& p) {
  p.dup = flags & 0x08;
  p.qos = static_cast<std::uint8_t>(flags >> 1 & 0x03);
  p.retain = flags & 0x01;
  p.topic = r.utf8();
  if (r.ok() && p.topic.find_first_of("+#") != std::string::npos)
    r.fail(errc::topic_name_wildcard); // [MQTT-3.3.2-2]
  if (p.qos > 0) p.packet_id = packet_id(r);
  if (v == pv::v5) detail::read_properties(r, property_context::publish, p.props);
  // v5 allows an empty Topic Name only together with a Topic Alias (section 3.3.2.1).
  if (r.ok() && p.topic.empty() && !p.props.topic_alias) r.fail(errc::topic_name_empty);
  return r.ok();
}

result<packet> decode_publish(reader& r, std::uint8_t flags, pv v) {
  packet out{std::in_place_type<publish>};
  auto& p = std::get<publish>(out);
  if (!decode_publish_head(r, flags, v, p)) return unexpected(r.error());
  p.payload = r.rest();
  return out;
}

// ---- PUBACK, PUBREC, PUBREL, PUBCOMP (sections 3.4 to 3.7)

template <pt T>
result<packet> decode_ack(reader& r, pv v) {
  basic_ack<T> p;
  p.packet_id = packet_id(r);
  // v5 may omit the Reason Code (Remaining Length 2) and the Property Length (Remaining Length 3).
  if (v == pv::v5 && r.remaining() > 0) {
    p.code = read_code(r, T);
    if (r.remaining() > 0) detail::read_properties(r, context_of(T), p.props);
  }
  return finish(r, std::move(p));
}

// ---- SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK (sections 3.8 to 3.11)

subscribe_options read_options(reader& r, pv v) {
  const auto b = r.u8();
  subscribe_options o;
  o.qos = b & 0x03;
  if (v == pv::v311) {
    if (b & 0xFC) r.fail(errc::subscription_options_reserved); // [MQTT-3-8.3-4]
  } else {
    if (b & 0xC0) r.fail(errc::subscription_options_reserved); // [MQTT-3.8.3-5]
    o.no_local = b & 0x04;
    o.retain_as_published = b & 0x08;
    o.retain_handling = static_cast<std::uint8_t>(b >> 4 & 0x03);
    if (o.retain_handling == 3) r.fail(errc::retain_handling_invalid);
  }
  if (o.qos == 3) r.fail(errc::qos_invalid);
  return o;
}

result<packet> decode_subscribe(reader& r, pv v) {
  subscribe p;
  p.packet_id = packet_id(r);
  if (v == pv::v5) detail::read_properties(r, property_context::subscribe, p.props);
  while (r.ok() && r.remaining() > 0) {
    subscription s;
    s.filter = r.utf8(); // [MQTT-3.8.3-1]
    s.options = read_options(r, v);
    p.topics.push_back(std::move(s));
  }
  if (r.ok() && p.topics.empty()) r.fail(errc::subscribe_empty); // [MQTT-3.8.3-2] [MQTT-3.8.3-3]
  return finish(r, std::move(p));
}

template <class P>
result<packet> decode_ack_list(reader& r, pv v, pt type) {
  P p;
  p.packet_id = packet_id(r);
  if (v == pv::v5) detail::read_properties(r, context_of(type), p.props);
  while (r.ok() && r.remaining() > 0) {
    const auto rc = static_cast<reason_code>(r.u8());
    const bool ok = v == pv::v311 ? detail::v311_suback_code(rc) // [MQTT-3.9.3-2]
                                  : detail::reason_allowed(type, rc);
    if (!ok) r.fail(errc::reason_code_invalid);
    p.codes.push_back(rc);
  }
  if (r.ok() && p.codes.empty()) r.fail(errc::suback_empty);
  return finish(r, std::move(p));
}

result<packet> decode_unsubscribe(reader& r, pv v) {
  unsubscribe p;
  p.packet_id = packet_id(r);
  if (v == pv::v5) detail::read_properties(r, property_context::unsubscribe, p.props);
  while (r.ok() && r.remaining() > 0)
    p.filters.push_back(r.utf8());                                  // [MQTT-3.10.3-1]
  if (r.ok() && p.filters.empty()) r.fail(errc::unsubscribe_empty); // [MQTT-3.10.3-2]
  return finish(r, std::move(p));
}

result<packet> decode_unsuback(reader& r, pv v) {
  if (v == pv::v5) return decode_ack_list<unsuback>(r, v, pt::unsuback);
  unsuback p;
  p.packet_id = packet_id(r);
  return finish(r, std::move(p));
}

// ---- DISCONNECT, AUTH (sections 3.14, 3.15)

template <class P>
result<packet> decode_code_and_props(reader& r, pv v, pt type) {
  P p;
  // Remaining Length 0 means Success / Normal disconnection (sections 3.14.2.1, 3.15.2.1).
  if (v == pv::v5 && r.remaining() > 0) {
    p.code = read_code(r, type);
    if (r.remaining() > 0) detail::read_properties(r, context_of(type), p.props);
  }
  return finish(r, std::move(p));
}

result<packet> decode_body(const fixed_header& h, byte_view body, pv v) {
  reader r(body);
  switch (h.type) {
  case pt::connect:
    return decode_connect(r);
  case pt::connack:
    return decode_connack(r, v);
  case pt::publish:
    return decode_publish(r, h.flags, v);
  case pt::puback:
    return decode_ack<pt::puback>(r, v);
  case pt::pubrec:
    return decode_ack<pt::pubrec>(r, v);
  case pt::pubrel:
    return decode_ack<pt::pubrel>(r, v);
  case pt::pubcomp:
    return decode_ack<pt::pubcomp>(r, v);
  case pt::subscribe:
    return decode_subscribe(r, v);
  case pt::suback:
    return decode_ack_list<suback>(r, v, pt::suback);
  case pt::unsubscribe:
    return decode_unsubscribe(r, v);
  case pt::unsuback:
    return decode_unsuback(r, v);
  case pt::pingreq:
    return finish(r, pingreq{});
  case pt::pingresp:
    return finish(r, pingresp{});
  case pt::disconnect:
    return decode_code_and_props<disconnect>(r, v, pt::disconnect);
  case pt::auth:
    return decode_code_and_props<auth>(r, v, pt::auth);
  }
  return unexpected(errc::reserved_packet_type);
}

} // namespace

result<std::optional<fixed_header>> parse_fixed_header(byte_view in, protocol_version v) {
  if (in.empty()) return std::optional<fixed_header>{};
  const std::uint8_t first = in[0];
  const auto type_bits = static_cast<std::uint8_t>(first >> 4);
  const auto flags = static_cast<std::uint8_t>(first & 0x0F);
  if (type_bits == 0 || (type_bits == 15 && v == pv::v311))
    return unexpected(errc::reserved_packet_type);
  const auto type = static_cast<pt>(type_bits);
  if (type == pt::publish) {
    if ((flags & 0x06) == 0x06) return unexpected(errc::qos_invalid); // [MQTT-3.3.1-4]
    if ((flags & 0x0E) == 0x08) return unexpected(errc::dup_on_qos0); // [MQTT-3.3.1-2]
  } else if (flags != required_flags(type)) {
    return unexpected(errc::reserved_flags); // [MQTT-2.2.2-1] [MQTT-2.1.3-1]
  }
  auto length = varint::decode(in.subspan(1));
  if (!length) return unexpected(length.error());
  if (length->size == 0) return std::optional<fixed_header>{};
  return std::optional<fixed_header>{
      fixed_header{type, flags, length->value, static_cast<std::uint8_t>(1 + length->size)}};
}

result<packet> decode_taking(std::string&& frame, protocol_version v) {
  const byte_view bytes(reinterpret_cast<const std::uint8_t*>(frame.data()), frame.size());
  auto h = parse_fixed_header(bytes, v);
  if (!h || !*h || (*h)->type != pt::publish || (*h)->total() != frame.size())
    return decode(bytes, v);
  reader r(bytes.subspan((*h)->size));
  packet out{std::in_place_type<publish>};
  auto& p = std::get<publish>(out);
  if (!decode_publish_head(r, (*h)->flags, v, p)) return unexpected(r.error());
  // The payload is the frame's tail: moved down in place, so no second copy is made.
  frame.erase(0, frame.size() - r.remaining());
  p.payload = std::move(frame);
  return out;
}

result<packet> decode(byte_view frame, protocol_version v) {
  auto h = parse_fixed_header(frame, v);
  if (!h) return unexpected(h.error());
  if (!*h || (*h)->total() > frame.size()) return unexpected(errc::truncated);
  if ((*h)->total() < frame.size()) return unexpected(errc::trailing_bytes);
  return decode_body(**h, frame.subspan((*h)->size), v);
}

} // namespace mqtk::codec
