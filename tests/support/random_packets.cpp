// SPDX-License-Identifier: MIT
// Generators of valid packets of every type, properties included, for both versions.
#include "random_packets.hpp"

#include <array>

namespace mqtk::testing {
namespace {

using namespace codec;
using pv = protocol_version;
using rng_t = std::mt19937_64;

std::size_t pick(rng_t& r, std::size_t n) {
  return std::uniform_int_distribution<std::size_t>(0, n - 1)(r);
}
bool coin(rng_t& r, double p = 0.5) {
  return std::bernoulli_distribution(p)(r);
}
template <class T>
T num(rng_t& r, T lo, T hi) {
  return static_cast<T>(std::uniform_int_distribution<std::uint64_t>(lo, hi)(r));
}

// Mostly short, sometimes long enough for 2- and 3-byte remaining lengths.
std::size_t length(rng_t& r) {
  const auto k = pick(r, 100);
  return k < 80 ? pick(r, 12) : k < 97 ? pick(r, 300) : pick(r, 20'000);
}

// Valid UTF-8 without U+0000, mixing ASCII and multi-byte characters.
std::string text(rng_t& r, bool topic_name = false) {
  static const std::array<std::string_view, 8> pieces = {
      "a", "b/", "Z", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "-", " "};
  std::string s;
  const auto n = length(r) % 40;
  for (std::size_t i = 0; i < n; ++i)
    s += pieces[pick(r, pieces.size())];
  if (!topic_name && coin(r, 0.1)) s += "+/#";
  return s;
}

std::string bytes(rng_t& r) {
  std::string s(length(r), '\0');
  for (auto& c : s)
    c = static_cast<char>(pick(r, 256));
  return s;
}

reason_code code_from(rng_t& r, std::initializer_list<std::uint8_t> codes) {
  return static_cast<reason_code>(*(codes.begin() + pick(r, codes.size())));
}

void random_property(rng_t& r, property_id id, properties& p) {
  switch (id) {
  case property_id::payload_format_indicator:
    p.payload_format_indicator = num<std::uint8_t>(r, 0, 1);
    break;
  case property_id::message_expiry_interval:
    p.message_expiry_interval = num<std::uint32_t>(r, 0, 0xFFFFFFFF);
    break;
  case property_id::content_type:
    p.content_type = text(r);
    break;
  case property_id::response_topic:
    p.response_topic = text(r, true);
    break;
  case property_id::correlation_data:
    p.correlation_data = bytes(r);
    break;
  case property_id::subscription_identifier:
    break; // placed by the caller
  case property_id::session_expiry_interval:
    p.session_expiry_interval = num<std::uint32_t>(r, 0, 0xFFFFFFFF);
    break;
  case property_id::assigned_client_identifier:
    p.assigned_client_identifier = text(r);
    break;
  case property_id::server_keep_alive:
    p.server_keep_alive = num<std::uint16_t>(r, 0, 0xFFFF);
    break;
  case property_id::authentication_method:
    p.authentication_method = text(r);
    break;
  case property_id::authentication_data:
    p.authentication_data = bytes(r);
    break;
  case property_id::request_problem_information:
    p.request_problem_information = num<std::uint8_t>(r, 0, 1);
    break;
  case property_id::will_delay_interval:
    p.will_delay_interval = num<std::uint32_t>(r, 0, 0xFFFFFFFF);
    break;
  case property_id::request_response_information:
    p.request_response_information = num<std::uint8_t>(r, 0, 1);
    break;
  case property_id::response_information:
    p.response_information = text(r);
    break;
  case property_id::server_reference:
    p.server_reference = text(r);
    break;
  case property_id::reason_string:
    p.reason_string = text(r);
    break;
  case property_id::receive_maximum:
    p.receive_maximum = num<std::uint16_t>(r, 1, 0xFFFF);
    break;
  case property_id::topic_alias_maximum:
    p.topic_alias_maximum = num<std::uint16_t>(r, 0, 0xFFFF);
    break;
  case property_id::topic_alias:
    p.topic_alias = num<std::uint16_t>(r, 1, 0xFFFF);
    break;
  case property_id::maximum_qos:
    p.maximum_qos = num<std::uint8_t>(r, 0, 1);
    break;
  case property_id::retain_available:
    p.retain_available = num<std::uint8_t>(r, 0, 1);
    break;
  case property_id::user_property: {
    const auto n = 1 + pick(r, 3);
    for (std::size_t i = 0; i < n; ++i)
      p.user_properties.emplace_back(text(r), text(r));
    break;
  }
  case property_id::maximum_packet_size:
    p.maximum_packet_size = num<std::uint32_t>(r, 1, 0xFFFFFFFF);
    break;
  case property_id::wildcard_subscription_available:
    p.wildcard_subscription_available = num<std::uint8_t>(r, 0, 1);
    break;
  case property_id::subscription_identifier_available:
    p.subscription_identifier_available = num<std::uint8_t>(r, 0, 1);
    break;
  case property_id::shared_subscription_available:
    p.shared_subscription_available = num<std::uint8_t>(r, 0, 1);
    break;
  }
}

properties random_properties(rng_t& r, pv v, property_context ctx) {
  properties p;
  if (v == pv::v311 || coin(r, 0.3)) return p;
  for (unsigned id = 1; id < 0x30; ++id) {
    const auto* info = find_property(static_cast<std::uint8_t>(id));
    if (info == nullptr || (info->allowed & (1u << unsigned(ctx))) == 0 || !coin(r, 0.25)) continue;
    random_property(r, info->id, p);
  }
  if (ctx == property_context::publish || ctx == property_context::subscribe) {
    const auto n = ctx == property_context::subscribe ? pick(r, 2) : pick(r, 3);
    for (std::size_t i = 0; i < n; ++i)
      p.subscription_identifiers.push_back(num<std::uint32_t>(r, 1, 268'435'455));
  }
  return p;
}

std::uint16_t id(rng_t& r) {
  return num<std::uint16_t>(r, 1, 0xFFFF);
}

connect random_connect(rng_t& r, pv v) {
  connect c;
  c.version = v;
  c.clean_start = coin(r);
  c.keep_alive = num<std::uint16_t>(r, 0, 0xFFFF);
  c.client_id = text(r);
  if (coin(r)) {
    will_message w;
    w.topic = text(r, true);
    w.payload = bytes(r);
    w.qos = num<std::uint8_t>(r, 0, 2);
    w.retain = coin(r);
    w.props = random_properties(r, v, property_context::will);
    c.will = std::move(w);
  }
  if (coin(r)) c.username = text(r);
  if ((v == pv::v5 || c.username) && coin(r)) c.password = bytes(r);
  c.props = random_properties(r, v, property_context::connect);
  return c;
}

publish random_publish(rng_t& r, pv v) {
  publish p;
  p.qos = num<std::uint8_t>(r, 0, 2);
  if (p.qos > 0) {
    p.packet_id = id(r);
    p.dup = coin(r);
  }
  p.retain = coin(r);
  p.props = random_properties(r, v, property_context::publish);
  p.topic = text(r, true);
  if (p.topic.empty() && !p.props.topic_alias) p.topic = "t";
  p.payload = bytes(r);
  return p;
}

template <class Ack>
Ack random_ack(rng_t& r, pv v, std::initializer_list<std::uint8_t> codes) {
  Ack a;
  a.packet_id = id(r);
  if (v == pv::v5) {
    a.code = code_from(r, codes);
    a.props = random_properties(r, v, context_of(Ack::type));
  }
  return a;
}

subscribe random_subscribe(rng_t& r, pv v) {
  subscribe s;
  s.packet_id = id(r);
  const auto n = 1 + pick(r, 4);
  for (std::size_t i = 0; i < n; ++i) {
    subscription t{text(r), {}};
    t.options.qos = num<std::uint8_t>(r, 0, 2);
    if (v == pv::v5) {
      t.options.no_local = coin(r);
      t.options.retain_as_published = coin(r);
      t.options.retain_handling = num<std::uint8_t>(r, 0, 2);
    }
    s.topics.push_back(std::move(t));
  }
  s.props = random_properties(r, v, property_context::subscribe);
  return s;
}

template <class P>
P random_code_list(rng_t& r, pv v, property_context ctx,
                   std::initializer_list<std::uint8_t> codes) {
  P p;
  p.packet_id = id(r);
  const auto n = 1 + pick(r, 5);
  for (std::size_t i = 0; i < n; ++i)
    p.codes.push_back(code_from(r, codes));
  p.props = random_properties(r, v, ctx);
  return p;
}

packet random_v311_only(rng_t& r, std::size_t kind) {
  switch (kind) {
  case 1: {
    connack c{coin(r), code_from(r, {0x00, 0x84, 0x85, 0x88, 0x86, 0x87}), {}};
    return c;
  }
  case 3:
    return random_ack<puback>(r, pv::v311, {});
  case 4:
    return random_ack<pubrec>(r, pv::v311, {});
  case 5:
    return random_ack<pubrel>(r, pv::v311, {});
  case 6:
    return random_ack<pubcomp>(r, pv::v311, {});
  case 8:
    return random_code_list<suback>(r, pv::v311, property_context::suback,
                                    {0x00, 0x01, 0x02, 0x80});
  case 10:
    return unsuback{id(r), {}, {}};
  default:
    return disconnect{};
  }
}

} // namespace

packet random_packet(rng_t& r, pv v) {
  const auto kind = pick(r, 15);
  if (v == pv::v311 && (kind == 1 || (kind >= 3 && kind <= 6) || kind == 8 || kind == 10 ||
                        kind == 13 || kind == 14))
    return random_v311_only(r, kind);
  switch (kind) {
  case 0:
    return random_connect(r, v);
  case 1: {
    connack c{
        coin(r), code_from(r, {0x00, 0x80, 0x81, 0x82, 0x84, 0x86, 0x87, 0x8A, 0x95, 0x9F}), {}};
    c.props = random_properties(r, v, property_context::connack);
    return c;
  }
  case 2:
    return random_publish(r, v);
  case 3:
    return random_ack<puback>(r, v, {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99});
  case 4:
    return random_ack<pubrec>(r, v, {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99});
  case 5:
    return random_ack<pubrel>(r, v, {0x00, 0x92});
  case 6:
    return random_ack<pubcomp>(r, v, {0x00, 0x92});
  case 7:
    return random_subscribe(r, v);
  case 8:
    return random_code_list<suback>(
        r, v, property_context::suback,
        {0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2});
  case 9: {
    unsubscribe u{id(r), {}, random_properties(r, v, property_context::unsubscribe)};
    const auto n = 1 + pick(r, 4);
    for (std::size_t i = 0; i < n; ++i)
      u.filters.push_back(text(r));
    return u;
  }
  case 10:
    return random_code_list<unsuback>(r, v, property_context::unsuback,
                                      {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91});
  case 11:
    return pingreq{};
  case 12:
    return pingresp{};
  case 13: {
    disconnect d{
        code_from(r, {0x00, 0x04, 0x80, 0x81, 0x82, 0x8B, 0x8D, 0x8E, 0x93, 0x94, 0x95, 0xA2}), {}};
    d.props = random_properties(r, v, property_context::disconnect);
    return d;
  }
  default: {
    auth a{code_from(r, {0x00, 0x18, 0x19}), {}};
    a.props = random_properties(r, v, property_context::auth);
    return a;
  }
  }
}

} // namespace mqtk::testing
