// SPDX-License-Identifier: MIT
// -D and the long property options: properties by mosquitto's names, placed and typed by the
// codec's Table 2-4, values parsed and range-checked.
#include "common/property_flags.hpp"

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>

namespace mqtk::app {
namespace {

// Design: which packet may carry which property, and each value's type, come from the codec's
// copy of Table 2-4; this file only knows the -D commands a client sends and how to read a value.
std::optional<codec::property_context> context_of(std::string_view command) {
  using ctx = codec::property_context;
  if (command == "connect") return ctx::connect;
  if (command == "will") return ctx::will;
  if (command == "publish") return ctx::publish;
  if (command == "subscribe") return ctx::subscribe;
  if (command == "unsubscribe") return ctx::unsubscribe;
  if (command == "disconnect") return ctx::disconnect;
  return std::nullopt;
}

// What a client may send: the table's placement, less what only a server sends there: a
// Subscription Identifier in PUBLISH [MQTT-3.3.4-6], a Server Reference in DISCONNECT
// (section 3.14.2.2.5).
bool client_may_send(const codec::property_info& info, codec::property_context c) {
  using ctx = codec::property_context;
  using pid = codec::property_id;
  if (info.id == pid::subscription_identifier && c == ctx::publish) return false;
  if (info.id == pid::server_reference) return false;
  return codec::allowed_in(info, c);
}

bool number(const std::string& v, std::uint64_t max, std::uint64_t min, std::uint64_t& out) {
  const auto r = std::from_chars(v.data(), v.data() + v.size(), out);
  return r.ec == std::errc{} && r.ptr == v.data() + v.size() && out <= max && out >= min;
}

std::string assign(codec::properties& p, std::string_view name, std::uint64_t n,
                   const std::string& v) {
  if (name == "payload-format-indicator")
    p.payload_format_indicator = std::uint8_t(n);
  else if (name == "message-expiry-interval")
    p.message_expiry_interval = std::uint32_t(n);
  else if (name == "content-type")
    p.content_type = v;
  else if (name == "response-topic")
    p.response_topic = v;
  else if (name == "correlation-data")
    p.correlation_data = v;
  else if (name == "subscription-identifier")
    p.subscription_identifiers = {std::uint32_t(n)};
  else if (name == "session-expiry-interval")
    p.session_expiry_interval = std::uint32_t(n);
  else if (name == "authentication-method")
    p.authentication_method = v;
  else if (name == "authentication-data")
    p.authentication_data = v;
  else if (name == "request-problem-information")
    p.request_problem_information = std::uint8_t(n);
  else if (name == "will-delay-interval")
    p.will_delay_interval = std::uint32_t(n);
  else if (name == "request-response-information")
    p.request_response_information = std::uint8_t(n);
  else if (name == "receive-maximum")
    p.receive_maximum = std::uint16_t(n);
  else if (name == "topic-alias-maximum")
    p.topic_alias_maximum = std::uint16_t(n);
  else if (name == "topic-alias")
    p.topic_alias = std::uint16_t(n);
  else if (name == "maximum-packet-size")
    p.maximum_packet_size = std::uint32_t(n);
  else if (name == "reason-string")
    p.reason_string = v;
  else
    return "mqtk cannot set " + std::string(name) + " from the command line";
  return {};
}

} // namespace

std::string set_property(codec::properties& p, std::string_view command, std::string_view name,
                         const std::string& value, const std::string* value2) {
  const auto* info = codec::find_property(name);
  if (info == nullptr) return "unknown property '" + std::string(name) + "'";
  const auto c = context_of(command);
  if (!c || !client_may_send(*info, *c))
    return "a " + std::string(command) + " packet cannot carry " + std::string(name);
  using wt = codec::wire_type;
  if (info->type == wt::utf8_pair) {
    if (value2 == nullptr) return "user-property needs a key and a value";
    p.user_properties.emplace_back(value, *value2);
    return {};
  }
  if (value2 != nullptr) return std::string(name) + " takes one value";
  std::uint64_t n = 0;
  const auto bad = [&](const char* what) {
    return std::string(name) + " " + value + ": expected " + what;
  };
  switch (info->type) {
  case wt::byte:
    if (!number(value, 1, 0, n)) return bad("0 or 1");
    break;
  case wt::two_byte:
    // A Receive Maximum or Topic Alias of 0 is a Protocol Error (3.1.2.11.3, [MQTT-3.3.2-8]).
    if (!number(value, 65535, name == "topic-alias-maximum" ? 0 : 1, n))
      return bad("a number up to 65535");
    break;
  case wt::four_byte:
    if (!number(value, std::numeric_limits<std::uint32_t>::max(), name == "maximum-packet-size", n))
      return bad("a number up to 4294967295");
    break;
  case wt::varint:
    if (!number(value, 268'435'455, 1, n)) return bad("a number from 1 to 268435455");
    break;
  default:
    break;
  }
  return assign(p, name, n, value);
}

std::string apply_property(property_sets& sets, const std::vector<std::string>& args) {
  if (args.size() < 3 || args.size() > 4) return "-D takes COMMAND NAME VALUE [VALUE]";
  const auto& command = args[0];
  codec::properties* target = command == "connect"       ? &sets.connect
                              : command == "will"        ? &sets.will
                              : command == "publish"     ? &sets.publish
                              : command == "subscribe"   ? &sets.subscribe
                              : command == "unsubscribe" ? &sets.unsubscribe
                              : command == "disconnect"  ? &sets.disconnect
                                                         : nullptr;
  if (target == nullptr)
    return "-D " + command +
           ": unknown command (connect, will, publish, subscribe, unsubscribe, disconnect)";
  auto why =
      set_property(*target, command, args[1], args[2], args.size() == 4 ? &args[3] : nullptr);
  return why.empty() ? why : "-D " + why;
}

bool split_user_property(const std::string& kv, std::string& key, std::string& value) {
  const auto eq = kv.find('=');
  if (eq == std::string::npos) return false;
  key = kv.substr(0, eq);
  value = kv.substr(eq + 1);
  return true;
}

} // namespace mqtk::app
