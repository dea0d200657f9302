// SPDX-License-Identifier: MIT
// The -D property table: which packet may carry which property [MQTT-2.2.2 Table 2-4], and how
// each value is parsed.
#include "common/property_flags.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

namespace mqtk::app {
namespace {

enum class kind { byte_flag, u16, u32, varint, text, binary, pair };

struct entry {
  std::string_view name;
  kind type;
  std::string_view packets; // space-separated commands that may carry it
};

// Names as mosquitto_pub(1) spells them, so that -D lines carry over unchanged.
constexpr std::array<entry, 17> table{{
    {"payload-format-indicator", kind::byte_flag, "publish will"},
    {"message-expiry-interval", kind::u32, "publish will"},
    {"content-type", kind::text, "publish will"},
    {"response-topic", kind::text, "publish will"},
    {"correlation-data", kind::binary, "publish will"},
    {"subscription-identifier", kind::varint, "subscribe"},
    {"session-expiry-interval", kind::u32, "connect disconnect"},
    {"authentication-method", kind::text, "connect"},
    {"authentication-data", kind::binary, "connect"},
    {"request-problem-information", kind::byte_flag, "connect"},
    {"will-delay-interval", kind::u32, "will"},
    {"request-response-information", kind::byte_flag, "connect"},
    {"receive-maximum", kind::u16, "connect"},
    {"topic-alias-maximum", kind::u16, "connect"},
    {"topic-alias", kind::u16, "publish"},
    {"user-property", kind::pair, "connect will publish subscribe unsubscribe disconnect"},
    {"maximum-packet-size", kind::u32, "connect"},
}};

bool carries(std::string_view packets, std::string_view command) {
  std::size_t i = 0;
  while (i < packets.size()) {
    auto j = packets.find(' ', i);
    if (j == std::string_view::npos) j = packets.size();
    if (packets.substr(i, j - i) == command) return true;
    i = j + 1;
  }
  return false;
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
  return {};
}

} // namespace

std::string set_property(codec::properties& p, std::string_view command, std::string_view name,
                         const std::string& value, const std::string* value2) {
  const auto* e =
      std::find_if(table.begin(), table.end(), [&](const entry& x) { return x.name == name; });
  if (e == table.end()) return "unknown property '" + std::string(name) + "'";
  if (!carries(e->packets, command))
    return "a " + std::string(command) + " packet cannot carry " + std::string(name);
  if (e->type == kind::pair) {
    if (value2 == nullptr) return "user-property needs a key and a value";
    p.user_properties.emplace_back(value, *value2);
    return {};
  }
  if (value2 != nullptr) return std::string(name) + " takes one value";
  std::uint64_t n = 0;
  const auto bad = [&](const char* what) {
    return std::string(name) + " " + value + ": expected " + what;
  };
  switch (e->type) {
  case kind::byte_flag:
    if (!number(value, 1, 0, n)) return bad("0 or 1");
    break;
  case kind::u16:
    // A Receive Maximum or Topic Alias of 0 is a Protocol Error (3.1.2.11.3, [MQTT-3.3.2-8]).
    if (!number(value, 65535, name == "topic-alias-maximum" ? 0 : 1, n))
      return bad("a number up to 65535");
    break;
  case kind::u32:
    if (!number(value, std::numeric_limits<std::uint32_t>::max(), name == "maximum-packet-size", n))
      return bad("a number up to 4294967295");
    break;
  case kind::varint:
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
