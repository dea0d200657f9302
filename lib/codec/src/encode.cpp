// SPDX-License-Identifier: MIT
// Encoders for all 15 control packets, in 3.1.1 and 5.0.
#include "mqtk/codec/encoder.hpp"

#include <algorithm>

#include "reason_rules.hpp"
#include "wire.hpp"

namespace mqtk::codec {
namespace {

using detail::writer;
using pv = protocol_version;

constexpr std::uint8_t header(packet_type t, std::uint8_t flags = 0) {
  return static_cast<std::uint8_t>(static_cast<unsigned>(t) << 4 | flags);
}
constexpr bool fits(std::string_view s) {
  return s.size() <= 0xFFFF;
}

// A v3.1.1 packet can carry no properties and no v5-only reason codes.
std::error_code check_props(const properties& props, pv v) {
  if (v == pv::v311) return props.empty() ? std::error_code{} : errc::v5_only_field;
  return detail::properties_fit(props) ? std::error_code{} : errc::string_too_long;
}

std::error_code check_code(packet_type t, reason_code rc, pv v) {
  if (v == pv::v311) return rc == reason_code::success ? std::error_code{} : errc::v5_only_field;
  return detail::reason_allowed(t, rc) ? std::error_code{} : errc::reason_code_invalid;
}

void props_if_v5(writer& w, const properties& props, pv v) {
  if (v == pv::v5) detail::write_properties(w, props);
}

// ---- CONNECT (section 3.1)

std::error_code check(const connect& p, pv) {
  const pv v = p.version;
  if (!fits(p.client_id) || (p.username && !fits(*p.username)) ||
      (p.password && !fits(*p.password)))
    return errc::string_too_long;
  if (v == pv::v311 && p.password && !p.username) return errc::password_without_username;
  if (p.will) {
    if (p.will->qos > 2) return errc::will_qos_invalid;
    if (!fits(p.will->topic) || !fits(p.will->payload)) return errc::string_too_long;
    if (auto ec = check_props(p.will->props, v)) return ec;
  }
  return check_props(p.props, v);
}

std::uint8_t first_byte(const connect&) {
  return header(packet_type::connect);
}

void body(writer& w, const connect& p, pv) {
  const pv v = p.version;
  w.string("MQTT");
  w.u8(static_cast<std::uint8_t>(static_cast<unsigned>(v) | (p.bridge ? 0x80u : 0u)));
  std::uint8_t flags = p.clean_start ? 0x02 : 0x00;
  if (p.will)
    flags |= static_cast<std::uint8_t>(0x04 | p.will->qos << 3 | (p.will->retain ? 0x20 : 0));
  if (p.password) flags |= 0x40;
  if (p.username) flags |= 0x80;
  w.u8(flags);
  w.u16(p.keep_alive);
  props_if_v5(w, p.props, v);
  w.string(p.client_id);
  if (p.will) {
    props_if_v5(w, p.will->props, v);
    w.string(p.will->topic);
    w.string(p.will->payload);
  }
  if (p.username) w.string(*p.username);
  if (p.password) w.string(*p.password);
}

// ---- CONNACK (section 3.2)

std::error_code check(const connack& p, pv v) {
  if (v == pv::v311 && !detail::v311_connack_code(p.code)) return errc::v5_only_field;
  if (v == pv::v5 && !detail::reason_allowed(packet_type::connack, p.code))
    return errc::reason_code_invalid;
  return check_props(p.props, v);
}

std::uint8_t first_byte(const connack&) {
  return header(packet_type::connack);
}

void body(writer& w, const connack& p, pv v) {
  w.u8(p.session_present ? 1 : 0);
  w.u8(v == pv::v311 ? *detail::v311_connack_code(p.code) : static_cast<std::uint8_t>(p.code));
  props_if_v5(w, p.props, v);
}

// ---- PUBLISH (section 3.3)

std::error_code check(const publish& p, pv v) {
  if (p.qos > 2) return errc::qos_invalid;
  if (p.qos > 0 && p.packet_id == 0) return errc::packet_id_zero;
  if (p.qos == 0 && p.dup) return errc::dup_on_qos0;
  if (!fits(p.topic)) return errc::string_too_long;
  return check_props(p.props, v);
}

std::uint8_t first_byte(const publish& p) {
  return header(packet_type::publish,
                static_cast<std::uint8_t>((p.dup ? 0x08 : 0) | p.qos << 1 | (p.retain ? 1 : 0)));
}

void body(writer& w, const publish& p, pv v) {
  w.string(p.topic);
  if (p.qos > 0) w.u16(p.packet_id);
  props_if_v5(w, p.props, v);
  w.raw(p.payload);
}

// ---- PUBACK, PUBREC, PUBREL, PUBCOMP (sections 3.4 to 3.7)

template <packet_type T>
std::error_code check(const basic_ack<T>& p, pv v) {
  if (p.packet_id == 0) return errc::packet_id_zero;
  if (auto ec = check_code(T, p.code, v)) return ec;
  return check_props(p.props, v);
}

template <packet_type T>
std::uint8_t first_byte(const basic_ack<T>&) {
  return header(T, required_flags(T));
}

// The Reason Code and Property Length may be left out when they carry nothing (section 3.4.2.1).
void code_and_props(writer& w, reason_code rc, const properties& props, bool omit_success) {
  if (omit_success && rc == reason_code::success && props.empty()) return;
  w.u8(static_cast<std::uint8_t>(rc));
  if (!props.empty()) detail::write_properties(w, props);
}

template <packet_type T>
void body(writer& w, const basic_ack<T>& p, pv v) {
  w.u16(p.packet_id);
  if (v == pv::v5) code_and_props(w, p.code, p.props, true);
}

// ---- SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK (sections 3.8 to 3.11)

std::error_code check(const subscribe& p, pv v) {
  if (p.packet_id == 0) return errc::packet_id_zero;
  if (p.topics.empty()) return errc::subscribe_empty;
  for (const auto& s : p.topics) {
    if (!fits(s.filter)) return errc::string_too_long;
    if (s.options.qos > 2) return errc::qos_invalid;
    if (s.options.retain_handling > 2) return errc::retain_handling_invalid;
    if (v == pv::v311 &&
        (s.options.no_local || s.options.retain_as_published || s.options.retain_handling != 0))
      return errc::v5_only_field;
  }
  return check_props(p.props, v);
}

std::uint8_t first_byte(const subscribe&) {
  return header(packet_type::subscribe, required_flags(packet_type::subscribe));
}

void body(writer& w, const subscribe& p, pv v) {
  w.u16(p.packet_id);
  props_if_v5(w, p.props, v);
  for (const auto& s : p.topics) {
    w.string(s.filter);
    const auto& o = s.options;
    w.u8(static_cast<std::uint8_t>(o.qos | (o.no_local ? 0x04 : 0) |
                                   (o.retain_as_published ? 0x08 : 0) | o.retain_handling << 4));
  }
}

std::error_code check(const suback& p, pv v) {
  if (p.packet_id == 0) return errc::packet_id_zero;
  if (p.codes.empty()) return errc::suback_empty;
  for (const auto rc : p.codes) {
    if (v == pv::v311 && !detail::v311_suback_code(rc)) return errc::v5_only_field;
    if (v == pv::v5 && !detail::reason_allowed(packet_type::suback, rc))
      return errc::reason_code_invalid;
  }
  return check_props(p.props, v);
}

std::uint8_t first_byte(const suback&) {
  return header(packet_type::suback);
}

void codes(writer& w, const std::vector<reason_code>& list) {
  for (const auto rc : list)
    w.u8(static_cast<std::uint8_t>(rc));
}

void body(writer& w, const suback& p, pv v) {
  w.u16(p.packet_id);
  props_if_v5(w, p.props, v);
  codes(w, p.codes);
}

std::error_code check(const unsubscribe& p, pv v) {
  if (p.packet_id == 0) return errc::packet_id_zero;
  if (p.filters.empty()) return errc::unsubscribe_empty;
  for (const auto& f : p.filters)
    if (!fits(f)) return errc::string_too_long;
  return check_props(p.props, v);
}

std::uint8_t first_byte(const unsubscribe&) {
  return header(packet_type::unsubscribe, required_flags(packet_type::unsubscribe));
}

void body(writer& w, const unsubscribe& p, pv v) {
  w.u16(p.packet_id);
  props_if_v5(w, p.props, v);
  for (const auto& f : p.filters)
    w.string(f);
}

std::error_code check(const unsuback& p, pv v) {
  if (p.packet_id == 0) return errc::packet_id_zero;
  if (v == pv::v311) return p.codes.empty() ? check_props(p.props, v) : errc::v5_only_field;
  if (p.codes.empty()) return errc::suback_empty;
  for (const auto rc : p.codes)
    if (!detail::reason_allowed(packet_type::unsuback, rc)) return errc::reason_code_invalid;
  return check_props(p.props, v);
}

std::uint8_t first_byte(const unsuback&) {
  return header(packet_type::unsuback);
}

void body(writer& w, const unsuback& p, pv v) {
  w.u16(p.packet_id);
  if (v == pv::v311) return;
  detail::write_properties(w, p.props);
  codes(w, p.codes);
}

// ---- PINGREQ, PINGRESP, DISCONNECT, AUTH (sections 3.12 to 3.15)

std::error_code check(const pingreq&, pv) {
  return {};
}
std::error_code check(const pingresp&, pv) {
  return {};
}
std::uint8_t first_byte(const pingreq&) {
  return header(packet_type::pingreq);
}
std::uint8_t first_byte(const pingresp&) {
  return header(packet_type::pingresp);
}
void body(writer&, const pingreq&, pv) {}
void body(writer&, const pingresp&, pv) {}

std::error_code check(const disconnect& p, pv v) {
  if (auto ec = check_code(packet_type::disconnect, p.code, v)) return ec;
  return check_props(p.props, v);
}

std::uint8_t first_byte(const disconnect&) {
  return header(packet_type::disconnect);
}

void body(writer& w, const disconnect& p, pv v) {
  if (v == pv::v5) code_and_props(w, p.code, p.props, true);
}

std::error_code check(const auth& p, pv v) {
  if (v == pv::v311) return errc::v5_only_field;
  if (!detail::reason_allowed(packet_type::auth, p.code)) return errc::reason_code_invalid;
  return check_props(p.props, v);
}

std::uint8_t first_byte(const auth&) {
  return header(packet_type::auth);
}

void body(writer& w, const auth& p, pv) {
  code_and_props(w, p.code, p.props, true);
}

// ---- framing

template <class P>
result<std::size_t> body_size(const P& p, pv v) {
  if (auto ec = check(p, v)) return unexpected(ec);
  writer counter;
  body(counter, p, v);
  if (counter.size() > varint::max_value) return unexpected(errc::packet_too_large);
  return counter.size();
}

} // namespace

result<std::size_t> encoded_size(const packet& p, protocol_version v) {
  return std::visit(
      [v](const auto& x) -> result<std::size_t> {
        auto n = body_size(x, v);
        if (!n) return n;
        return 1 + varint::size(static_cast<std::uint32_t>(*n)) + *n;
      },
      p);
}

result<void> encode(const packet& p, protocol_version v, buffer& out) {
  return std::visit(
      [v, &out](const auto& x) -> result<void> {
        auto n = body_size(x, v);
        if (!n) return unexpected(n.error());
        const auto size = static_cast<std::uint32_t>(*n);
        // Grow geometrically: an exact reserve per packet would copy the whole buffer each time
        // many small packets are appended to it.
        const std::size_t need = out.size() + 1 + varint::size(size) + size;
        if (need > out.capacity()) out.reserve(std::max(need, 2 * out.capacity()));
        out.push_back(first_byte(x));
        varint::append(size, out);
        writer w(&out);
        body(w, x, v);
        return {};
      },
      p);
}

} // namespace mqtk::codec
