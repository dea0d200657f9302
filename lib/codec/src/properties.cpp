// SPDX-License-Identifier: MIT
// The property table (spec Table 2-4), and reading and writing property sets.
#include "wire.hpp"

#include <array>

namespace mqtk::codec {
namespace {

constexpr std::uint16_t bit(property_context c) {
  return std::uint16_t(1u << unsigned(c));
}
template <class... C>
constexpr std::uint16_t in(C... c) {
  return static_cast<std::uint16_t>((bit(c) | ...));
}

using ctx = property_context;
using wt = wire_type;
using pid = property_id;

constexpr std::uint16_t everywhere_with_props =
    in(ctx::connect, ctx::connack, ctx::publish, ctx::will, ctx::puback, ctx::pubrec, ctx::pubrel,
       ctx::pubcomp, ctx::subscribe, ctx::suback, ctx::unsubscribe, ctx::unsuback, ctx::disconnect,
       ctx::auth);

constexpr std::array<property_info, 27> table{{
    {pid::payload_format_indicator, wt::byte, "Payload Format Indicator",
     in(ctx::publish, ctx::will)},
    {pid::message_expiry_interval, wt::four_byte, "Message Expiry Interval",
     in(ctx::publish, ctx::will)},
    {pid::content_type, wt::utf8, "Content Type", in(ctx::publish, ctx::will)},
    {pid::response_topic, wt::utf8, "Response Topic", in(ctx::publish, ctx::will)},
    {pid::correlation_data, wt::binary, "Correlation Data", in(ctx::publish, ctx::will)},
    {pid::subscription_identifier, wt::varint, "Subscription Identifier",
     in(ctx::publish, ctx::subscribe)},
    {pid::session_expiry_interval, wt::four_byte, "Session Expiry Interval",
     in(ctx::connect, ctx::connack, ctx::disconnect)},
    {pid::assigned_client_identifier, wt::utf8, "Assigned Client Identifier", in(ctx::connack)},
    {pid::server_keep_alive, wt::two_byte, "Server Keep Alive", in(ctx::connack)},
    {pid::authentication_method, wt::utf8, "Authentication Method",
     in(ctx::connect, ctx::connack, ctx::auth)},
    {pid::authentication_data, wt::binary, "Authentication Data",
     in(ctx::connect, ctx::connack, ctx::auth)},
    {pid::request_problem_information, wt::byte, "Request Problem Information", in(ctx::connect)},
    {pid::will_delay_interval, wt::four_byte, "Will Delay Interval", in(ctx::will)},
    {pid::request_response_information, wt::byte, "Request Response Information", in(ctx::connect)},
    {pid::response_information, wt::utf8, "Response Information", in(ctx::connack)},
    {pid::server_reference, wt::utf8, "Server Reference", in(ctx::connack, ctx::disconnect)},
    {pid::reason_string, wt::utf8, "Reason String",
     in(ctx::connack, ctx::puback, ctx::pubrec, ctx::pubrel, ctx::pubcomp, ctx::suback,
        ctx::unsuback, ctx::disconnect, ctx::auth)},
    {pid::receive_maximum, wt::two_byte, "Receive Maximum", in(ctx::connect, ctx::connack)},
    {pid::topic_alias_maximum, wt::two_byte, "Topic Alias Maximum", in(ctx::connect, ctx::connack)},
    {pid::topic_alias, wt::two_byte, "Topic Alias", in(ctx::publish)},
    {pid::maximum_qos, wt::byte, "Maximum QoS", in(ctx::connack)},
    {pid::retain_available, wt::byte, "Retain Available", in(ctx::connack)},
    {pid::user_property, wt::utf8_pair, "User Property", everywhere_with_props},
    {pid::maximum_packet_size, wt::four_byte, "Maximum Packet Size",
     in(ctx::connect, ctx::connack)},
    {pid::wildcard_subscription_available, wt::byte, "Wildcard Subscription Available",
     in(ctx::connack)},
    {pid::subscription_identifier_available, wt::byte, "Subscription Identifier Available",
     in(ctx::connack)},
    {pid::shared_subscription_available, wt::byte, "Shared Subscription Available",
     in(ctx::connack)},
}};

} // namespace

const property_info* find_property(std::uint8_t id) noexcept {
  for (const auto& info : table)
    if (static_cast<std::uint8_t>(info.id) == id) return &info;
  return nullptr;
}

const property_info* find_property(std::string_view spelled) noexcept {
  for (const auto& info : table) {
    const std::string_view name = info.name;
    if (name.size() != spelled.size()) continue;
    bool same = true;
    for (std::size_t i = 0; same && i < name.size(); ++i) {
      const char c = name[i] == ' ' ? '-' : name[i];
      same = (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) == spelled[i];
    }
    if (same) return &info;
  }
  return nullptr;
}

bool is_repeatable(property_id id, property_context c) noexcept {
  return id == pid::user_property || (id == pid::subscription_identifier && c == ctx::publish);
}

bool properties::empty() const noexcept {
  return *this == properties{};
}

namespace detail {
namespace {

// Byte-valued properties of v5 are all 0 or 1 (sections 3.1.2.11 and 3.2.2.3): anything else is a
// Protocol Error.
std::uint8_t read_flag(reader& r) {
  const auto v = r.u8();
  if (v > 1) r.fail(errc::property_value_invalid);
  return v;
}

std::uint16_t read_nonzero16(reader& r) {
  const auto v = r.u16();
  if (v == 0 && r.ok()) r.fail(errc::property_value_invalid);
  return v;
}

void read_one(reader& r, pid id, properties& p) {
  switch (id) {
  case pid::payload_format_indicator:
    p.payload_format_indicator = read_flag(r);
    return;
  case pid::message_expiry_interval:
    p.message_expiry_interval = r.u32();
    return;
  case pid::content_type:
    p.content_type = r.utf8();
    return;
  case pid::response_topic:
    p.response_topic = r.utf8();
    return;
  case pid::correlation_data:
    p.correlation_data = r.binary();
    return;
  case pid::subscription_identifier: {
    const auto v = r.varint();
    if (v == 0 && r.ok()) r.fail(errc::property_value_invalid); // section 3.8.2.1.2
    p.subscription_identifiers.push_back(v);
    return;
  }
  case pid::session_expiry_interval:
    p.session_expiry_interval = r.u32();
    return;
  case pid::assigned_client_identifier:
    p.assigned_client_identifier = r.utf8();
    return;
  case pid::server_keep_alive:
    p.server_keep_alive = r.u16();
    return;
  case pid::authentication_method:
    p.authentication_method = r.utf8();
    return;
  case pid::authentication_data:
    p.authentication_data = r.binary();
    return;
  case pid::request_problem_information:
    p.request_problem_information = read_flag(r);
    return;
  case pid::will_delay_interval:
    p.will_delay_interval = r.u32();
    return;
  case pid::request_response_information:
    p.request_response_information = read_flag(r);
    return;
  case pid::response_information:
    p.response_information = r.utf8();
    return;
  case pid::server_reference:
    p.server_reference = r.utf8();
    return;
  case pid::reason_string:
    p.reason_string = r.utf8();
    return;
  case pid::receive_maximum:
    p.receive_maximum = read_nonzero16(r);
    return;
  case pid::topic_alias_maximum:
    p.topic_alias_maximum = r.u16();
    return;
  case pid::topic_alias: {
    const auto v = r.u16();
    if (v == 0 && r.ok()) r.fail(errc::topic_alias_zero); // [MQTT-3.3.2-8]
    p.topic_alias = v;
    return;
  }
  case pid::maximum_qos:
    p.maximum_qos = read_flag(r);
    return;
  case pid::retain_available:
    p.retain_available = read_flag(r);
    return;
  case pid::user_property: {
    auto key = r.utf8(); // [MQTT-1.5.7-1]
    auto value = r.utf8();
    p.user_properties.emplace_back(std::move(key), std::move(value));
    return;
  }
  case pid::maximum_packet_size: {
    const auto v = r.u32();
    if (v == 0 && r.ok()) r.fail(errc::property_value_invalid); // section 3.1.2.11.4
    p.maximum_packet_size = v;
    return;
  }
  case pid::wildcard_subscription_available:
    p.wildcard_subscription_available = read_flag(r);
    return;
  case pid::subscription_identifier_available:
    p.subscription_identifier_available = read_flag(r);
    return;
  case pid::shared_subscription_available:
    p.shared_subscription_available = read_flag(r);
    return;
  }
}

} // namespace

void read_properties(reader& r, property_context c, properties& out) {
  const auto length = r.varint();
  if (!r.ok()) return;
  if (length > r.remaining()) return r.fail(errc::property_length_invalid);
  reader sub(r.take(length));
  std::uint64_t seen = 0;
  while (sub.remaining() > 0 && sub.ok()) {
    const auto id = sub.varint(); // identifiers are Variable Byte Integers (section 2.2.2.2)
    if (!sub.ok()) break;
    const property_info* info = id <= 0xFF ? find_property(static_cast<std::uint8_t>(id)) : nullptr;
    if (info == nullptr) {
      sub.fail(errc::property_unknown);
      break;
    }
    if ((info->allowed & (1u << unsigned(c))) == 0) {
      sub.fail(errc::property_not_allowed);
      break;
    }
    const std::uint64_t mask = std::uint64_t{1} << id;
    if ((seen & mask) != 0 && !is_repeatable(info->id, c)) {
      sub.fail(errc::property_repeated);
      break;
    }
    if ((seen & mask) == 0) out.order.note(info->id);
    seen |= mask;
    read_one(sub, info->id, out);
  }
  if (!sub.ok())
    r.fail(sub.error() == make_error_code(errc::truncated)
               ? make_error_code(errc::property_length_invalid)
               : sub.error());
}

namespace {

template <class T, class F>
void put(writer& w, pid id, const std::optional<T>& v, F&& emit) {
  if (!v) return;
  w.u8(static_cast<std::uint8_t>(id));
  emit(*v);
}

void write_body(writer& w, const properties& p) {
  auto byte = [&](std::uint8_t v) { w.u8(v); };
  auto two = [&](std::uint16_t v) { w.u16(v); };
  auto four = [&](std::uint32_t v) { w.u32(v); };
  auto str = [&](const std::string& v) { w.string(v); };
  put(w, pid::payload_format_indicator, p.payload_format_indicator, byte);
  put(w, pid::message_expiry_interval, p.message_expiry_interval, four);
  put(w, pid::content_type, p.content_type, str);
  put(w, pid::response_topic, p.response_topic, str);
  put(w, pid::correlation_data, p.correlation_data, str);
  for (const auto id : p.subscription_identifiers) {
    w.u8(static_cast<std::uint8_t>(pid::subscription_identifier));
    w.varint(id);
  }
  put(w, pid::session_expiry_interval, p.session_expiry_interval, four);
  put(w, pid::assigned_client_identifier, p.assigned_client_identifier, str);
  put(w, pid::server_keep_alive, p.server_keep_alive, two);
  put(w, pid::authentication_method, p.authentication_method, str);
  put(w, pid::authentication_data, p.authentication_data, str);
  put(w, pid::request_problem_information, p.request_problem_information, byte);
  put(w, pid::will_delay_interval, p.will_delay_interval, four);
  put(w, pid::request_response_information, p.request_response_information, byte);
  put(w, pid::response_information, p.response_information, str);
  put(w, pid::server_reference, p.server_reference, str);
  put(w, pid::reason_string, p.reason_string, str);
  put(w, pid::receive_maximum, p.receive_maximum, two);
  put(w, pid::topic_alias_maximum, p.topic_alias_maximum, two);
  put(w, pid::topic_alias, p.topic_alias, two);
  put(w, pid::maximum_qos, p.maximum_qos, byte);
  put(w, pid::retain_available, p.retain_available, byte);
  for (const auto& [key, value] : p.user_properties) {
    w.u8(static_cast<std::uint8_t>(pid::user_property));
    w.string(key);
    w.string(value);
  }
  put(w, pid::maximum_packet_size, p.maximum_packet_size, four);
  put(w, pid::wildcard_subscription_available, p.wildcard_subscription_available, byte);
  put(w, pid::subscription_identifier_available, p.subscription_identifier_available, byte);
  put(w, pid::shared_subscription_available, p.shared_subscription_available, byte);
}

bool fits(const std::optional<std::string>& s) noexcept {
  return !s || s->size() <= 0xFFFF;
}

} // namespace

void write_properties(writer& w, const properties& props) {
  writer counter;
  write_body(counter, props);
  w.varint(static_cast<std::uint32_t>(counter.size()));
  write_body(w, props);
}

bool properties_fit(const properties& p) noexcept {
  for (const auto& [k, v] : p.user_properties)
    if (k.size() > 0xFFFF || v.size() > 0xFFFF) return false;
  for (const auto id : p.subscription_identifiers)
    if (id == 0 || id > varint::max_value) return false;
  return fits(p.content_type) && fits(p.response_topic) && fits(p.correlation_data) &&
         fits(p.assigned_client_identifier) && fits(p.authentication_method) &&
         fits(p.authentication_data) && fits(p.response_information) && fits(p.server_reference) &&
         fits(p.reason_string);
}

} // namespace detail
} // namespace mqtk::codec
