// SPDX-License-Identifier: MIT
// Rendering received messages as JSON lines.
#include "sub/json_line.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "mqtk/core/utf8.hpp"

namespace mqtk::app::sub {

std::string base64(std::string_view in) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = std::uint32_t(std::uint8_t(in[i])) << 16 |
                   std::uint32_t(std::uint8_t(in[i + 1])) << 8 | std::uint8_t(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6)
      out.push_back(alphabet[n >> k & 63]);
  }
  if (i < in.size()) {
    auto n = std::uint32_t(std::uint8_t(in[i])) << 16;
    if (i + 1 < in.size()) n |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
    out.push_back(alphabet[n >> 18 & 63]);
    out.push_back(alphabet[n >> 12 & 63]);
    out.push_back(i + 1 < in.size() ? alphabet[n >> 6 & 63] : '=');
    out.push_back('=');
  }
  return out;
}

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
  auto parsed = text ? json::parse(m.payload, nullptr, false) : json();
  if (text && !parsed.is_discarded() && !m.payload.empty()) {
    j["payload_encoding"] = "json";
    j["payload"] = std::move(parsed);
  } else if (text) {
    j["payload_encoding"] = "utf8";
    j["payload"] = m.payload;
  } else {
    j["payload_encoding"] = "base64";
    j["payload"] = base64(m.payload);
  }
  if (auto p = properties_of(m.props); !p.empty()) j["properties"] = std::move(p);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

} // namespace mqtk::app::sub
