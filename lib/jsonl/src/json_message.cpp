// SPDX-License-Identifier: MIT
// Messages as JSON lines and back.
#include "mqtk/jsonl/json_message.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "mqtk/core/base64.hpp"
#include "mqtk/core/utf8.hpp"
#include "raw_member.hpp"

namespace mqtk::jsonl {

namespace {

using json = nlohmann::ordered_json; // keys stay in the order written: timestamp first

json properties_of(const codec::properties& p) {
  json j = json::object();
  if (p.payload_format_indicator) j["payload_format_indicator"] = *p.payload_format_indicator;
  if (p.message_expiry_interval) j["message_expiry_interval"] = *p.message_expiry_interval;
  if (p.content_type) j["content_type"] = *p.content_type;
  if (p.response_topic) j["response_topic"] = *p.response_topic;
  if (p.correlation_data) j["correlation_data"] = base64(*p.correlation_data);
  if (!p.subscription_identifiers.empty())
    j["subscription_identifiers"] = p.subscription_identifiers;
  if (!p.user_properties.empty()) {
    auto& u = j["user_properties"] = json::array();
    for (const auto& [k, v] : p.user_properties)
      u.push_back({k, v});
  }
  return j;
}

// Whether a JSON payload can stand in a line exactly as written: no line break (a line is one
// message), no whitespace around it (a reader takes the member's text without it), no BOM.
bool splices_verbatim(std::string_view payload) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  // The parser skips a leading byte order mark, which JSON does not allow inside a line.
  return payload.find_first_of("\r\n") == std::string_view::npos && !space(payload.front()) &&
         !space(payload.back()) && payload.rfind("\xEF\xBB\xBF", 0) != 0;
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

// The line for `j` (everything before the payload) with the payload's own text as "payload".
std::string spliced(const json& j, std::string_view payload, const json& props) {
  auto line = dump(j);
  line.pop_back(); // the closing brace
  line += ",\"payload\":";
  line += payload;
  if (!props.empty()) line += ",\"properties\":" + dump(props);
  line += '}';
  return line;
}

} // namespace

std::string json_line(const codec::publish& m, std::chrono::system_clock::time_point received) {
  json j;
  const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(received);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(received - secs).count();
  j["timestamp"] = fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}Z", secs, micros);
  j["topic"] = m.topic;
  j["qos"] = m.qos;
  j["retain"] = m.retain;
  const bool text = utf8::is_well_formed(m.payload);
  auto parsed = text && !m.payload.empty() ? json::parse(m.payload, nullptr, false) : json();
  if (text && !m.payload.empty() && !parsed.is_discarded()) {
    j["payload_encoding"] = "json";
    if (splices_verbatim(m.payload)) {
      // Spliced in as written, so a replay reads back the very bytes.
      return spliced(j, m.payload, properties_of(m.props));
    }
    j["payload"] = std::move(parsed);
    j["payload_text"] = m.payload; // the exact bytes, which a re-serialisation would change
  } else if (text) {
    j["payload_encoding"] = "utf8";
    j["payload"] = m.payload;
  } else {
    j["payload_encoding"] = "base64";
    j["payload"] = base64(m.payload);
  }
  if (auto p = properties_of(m.props); !p.empty()) j["properties"] = std::move(p);
  return dump(j);
}

namespace {

template <class T>
bool read_number(const json& j, const char* key, T max, std::optional<T>& out, std::string& why) {
  if (!j.contains(key)) return true;
  const auto& v = j[key];
  if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max)
    return why = std::string("\"") + key + "\" must be a number up to " + std::to_string(max),
           false;
  out = static_cast<T>(v.get<std::uint64_t>());
  return true;
}

bool read_text(const json& j, const char* key, std::optional<std::string>& out, std::string& why) {
  if (!j.contains(key)) return true;
  if (!j[key].is_string()) return why = std::string("\"") + key + "\" must be a string", false;
  out = j[key].get<std::string>();
  return true;
}

// The inverse of properties_of(). Subscription identifiers are what the broker added for the
// subscriber; a publisher must not send them [MQTT-3.3.4-6], so they are dropped.
bool read_properties(const json& j, codec::properties& p, std::string& why) {
  if (!j.is_object()) return why = "\"properties\" must be an object", false;
  if (!read_number<std::uint8_t>(j, "payload_format_indicator", 1, p.payload_format_indicator,
                                 why) ||
      !read_number<std::uint32_t>(j, "message_expiry_interval", 0xFFFFFFFF,
                                  p.message_expiry_interval, why) ||
      !read_text(j, "content_type", p.content_type, why) ||
      !read_text(j, "response_topic", p.response_topic, why) ||
      !read_text(j, "correlation_data", p.correlation_data, why))
    return false;
  if (p.correlation_data) {
    p.correlation_data = from_base64(*p.correlation_data);
    if (!p.correlation_data) return why = "\"correlation_data\" must be base64", false;
  }
  if (j.contains("user_properties")) {
    const auto& u = j["user_properties"];
    if (!u.is_array()) return why = "\"user_properties\" must be an array of pairs", false;
    for (const auto& kv : u) {
      if (!kv.is_array() || kv.size() != 2 || !kv[0].is_string() || !kv[1].is_string())
        return why = "\"user_properties\" must be an array of [key, value] pairs", false;
      p.user_properties.emplace_back(kv[0].get<std::string>(), kv[1].get<std::string>());
    }
  }
  return true;
}

bool read_payload(const json& j, std::string_view line, std::string& payload, std::string& why) {
  if (!j.contains("payload")) return true; // an empty message
  const auto& v = j["payload"];
  std::string encoding = v.is_string() ? "utf8" : "json";
  if (j.contains("payload_encoding")) {
    if (!j["payload_encoding"].is_string())
      return why = "\"payload_encoding\" must be json, utf8 or base64", false;
    encoding = j["payload_encoding"].get<std::string>();
  }
  if (encoding == "json") {
    // The exact bytes: "payload_text" when the writer kept them there, else the member as
    // written in the line (a hand-written `"payload": {"a": 1}` sends `{"a": 1}`).
    if (j.contains("payload_text")) {
      if (!j["payload_text"].is_string()) return why = "\"payload_text\" must be a string", false;
      payload = j["payload_text"].get<std::string>();
    } else {
      payload = std::string(raw_member(line, "payload").value_or(v.dump()));
    }
  } else if (encoding == "utf8" && v.is_string()) {
    payload = v.get<std::string>();
  } else if (encoding == "base64" && v.is_string()) {
    auto bytes = from_base64(v.get<std::string>());
    if (!bytes) return why = "\"payload\" is not valid base64", false;
    payload = std::move(*bytes);
  } else {
    return why = "\"payload_encoding\" " + encoding +
                 " does not fit the payload (json, utf8 or base64)",
           false;
  }
  return true;
}

} // namespace

std::optional<std::string> indented_json(std::string_view text) {
  if (!utf8::is_well_formed(text)) return std::nullopt;
  const auto j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<codec::publish> message_from_json(std::string_view line, std::string& why) {
  const auto j = json::parse(line, nullptr, false);
  if (j.is_discarded()) return why = "not valid JSON", std::nullopt;
  if (!j.is_object()) return why = "expected a JSON object", std::nullopt;
  codec::publish m;
  if (!j.contains("topic") || !j["topic"].is_string())
    return why = "\"topic\" is missing or not a string", std::nullopt;
  m.topic = j["topic"].get<std::string>();
  std::optional<std::uint8_t> qos;
  if (!read_number<std::uint8_t>(j, "qos", 2, qos, why)) return std::nullopt;
  m.qos = qos.value_or(0);
  if (j.contains("retain")) {
    if (!j["retain"].is_boolean()) return why = "\"retain\" must be true or false", std::nullopt;
    m.retain = j["retain"].get<bool>();
  }
  if (!read_payload(j, line, m.payload, why)) return std::nullopt;
  if (j.contains("properties") && !read_properties(j["properties"], m.props, why))
    return std::nullopt;
  return m;
}

} // namespace mqtk::jsonl
