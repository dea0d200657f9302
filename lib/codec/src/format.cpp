// SPDX-License-Identifier: MIT
// Human-readable, one-line renderings of packets and properties.
#include "mqtk/codec/format.hpp"

#include <fmt/format.h>

#include "mqtk/core/bytes.hpp"
#include "mqtk/core/utf8.hpp"

namespace mqtk::codec {
namespace {

// Text that is printable UTF-8 is quoted; anything else is shown as hex.
std::string show(std::string_view s, std::size_t limit = 64) {
  bool printable = utf8::is_well_formed(s);
  for (const char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) printable = false;
  const auto cut = s.substr(0, limit);
  const std::string more = s.size() > limit ? "..." : "";
  if (printable) return fmt::format("\"{}{}\"", cut, more);
  return fmt::format("0x{}{}", to_hex(as_bytes(cut), '\0'), more);
}

std::string code(reason_code rc) {
  return fmt::format("0x{:02x} {}", static_cast<unsigned>(rc), name(rc));
}

struct printer {
  std::string operator()(const connect& p) const {
    std::string s =
        fmt::format("CONNECT(v{}, client_id={}, clean_start={}, keep_alive={}",
                    to_string(p.version), show(p.client_id), int(p.clean_start), p.keep_alive);
    if (p.bridge) s += ", bridge=1";
    if (p.username) s += fmt::format(", username={}", show(*p.username));
    if (p.password) s += fmt::format(", password=<{} bytes>", p.password->size());
    if (p.will)
      s += fmt::format(", will=(topic={}, qos={}, retain={}, payload={}{})", show(p.will->topic),
                       p.will->qos, int(p.will->retain), show(p.will->payload),
                       props(p.will->props));
    return s + props(p.props) + ")";
  }
  std::string operator()(const connack& p) const {
    return fmt::format("CONNACK(session_present={}, code={}{})", int(p.session_present),
                       code(p.code), props(p.props));
  }
  std::string operator()(const publish& p) const {
    std::string s = fmt::format("PUBLISH(topic={}, qos={}", show(p.topic), p.qos);
    if (p.qos > 0) s += fmt::format(", id={}", p.packet_id);
    return s + fmt::format(", retain={}, dup={}, payload={} bytes {}{})", int(p.retain), int(p.dup),
                           p.payload.size(), show(p.payload), props(p.props));
  }
  template <packet_type T>
  std::string operator()(const basic_ack<T>& p) const {
    return fmt::format("{}(id={}, code={}{})", to_string(T), p.packet_id, code(p.code),
                       props(p.props));
  }
  std::string operator()(const subscribe& p) const {
    std::string s = fmt::format("SUBSCRIBE(id={}", p.packet_id);
    for (const auto& t : p.topics)
      s += fmt::format(", {} qos={} nl={} rap={} rh={}", show(t.filter), t.options.qos,
                       int(t.options.no_local), int(t.options.retain_as_published),
                       t.options.retain_handling);
    return s + props(p.props) + ")";
  }
  std::string operator()(const suback& p) const {
    return list("SUBACK", p.packet_id, p.codes, p.props);
  }
  std::string operator()(const unsubscribe& p) const {
    std::string s = fmt::format("UNSUBSCRIBE(id={}", p.packet_id);
    for (const auto& f : p.filters)
      s += ", " + show(f);
    return s + props(p.props) + ")";
  }
  std::string operator()(const unsuback& p) const {
    return list("UNSUBACK", p.packet_id, p.codes, p.props);
  }
  std::string operator()(const pingreq&) const { return "PINGREQ()"; }
  std::string operator()(const pingresp&) const { return "PINGRESP()"; }
  std::string operator()(const disconnect& p) const {
    return fmt::format("DISCONNECT(code={}{})", code(p.code), props(p.props));
  }
  std::string operator()(const auth& p) const {
    return fmt::format("AUTH(code={}{})", code(p.code), props(p.props));
  }

  static std::string list(std::string_view name, std::uint16_t id,
                          const std::vector<reason_code>& codes, const properties& pr) {
    std::string s = fmt::format("{}(id={}", name, id);
    for (const auto rc : codes)
      s += ", " + code(rc);
    return s + props(pr) + ")";
  }
  static std::string props(const properties& pr) {
    return pr.empty() ? std::string() : ", props={" + to_string(pr) + "}";
  }
};

template <class T>
void add(std::string& s, const char* name, const std::optional<T>& v) {
  if (!v) return;
  if (!s.empty()) s += ", ";
  if constexpr (std::is_same_v<T, std::string>)
    s += fmt::format("{}={}", name, show(*v));
  else
    s += fmt::format("{}={}", name, static_cast<std::uint64_t>(*v));
}

} // namespace

std::string to_string(const properties& p) {
  std::string s;
  add(s, "payload_format", p.payload_format_indicator);
  add(s, "message_expiry", p.message_expiry_interval);
  add(s, "content_type", p.content_type);
  add(s, "response_topic", p.response_topic);
  add(s, "correlation_data", p.correlation_data);
  for (const auto id : p.subscription_identifiers)
    s += fmt::format("{}subscription_id={}", s.empty() ? "" : ", ", id);
  add(s, "session_expiry", p.session_expiry_interval);
  add(s, "assigned_client_id", p.assigned_client_identifier);
  add(s, "server_keep_alive", p.server_keep_alive);
  add(s, "auth_method", p.authentication_method);
  add(s, "auth_data", p.authentication_data);
  add(s, "request_problem_info", p.request_problem_information);
  add(s, "will_delay", p.will_delay_interval);
  add(s, "request_response_info", p.request_response_information);
  add(s, "response_info", p.response_information);
  add(s, "server_reference", p.server_reference);
  add(s, "reason_string", p.reason_string);
  add(s, "receive_maximum", p.receive_maximum);
  add(s, "topic_alias_maximum", p.topic_alias_maximum);
  add(s, "topic_alias", p.topic_alias);
  add(s, "maximum_qos", p.maximum_qos);
  add(s, "retain_available", p.retain_available);
  for (const auto& [k, v] : p.user_properties)
    s += fmt::format("{}user_property={}:{}", s.empty() ? "" : ", ", show(k), show(v));
  add(s, "maximum_packet_size", p.maximum_packet_size);
  add(s, "wildcard_sub_available", p.wildcard_subscription_available);
  add(s, "sub_id_available", p.subscription_identifier_available);
  add(s, "shared_sub_available", p.shared_subscription_available);
  return s;
}

std::string to_string(const packet& p) {
  return std::visit(printer{}, p);
}

} // namespace mqtk::codec
