// SPDX-License-Identifier: MIT
// MQTT 5.0 properties (spec section 2.2.2): identifiers, wire types, placement and repeat rules,
// and the `properties` set carried by each packet.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mqtk/codec/packet_type.hpp"

namespace mqtk::codec {

enum class property_id : std::uint8_t {
  payload_format_indicator = 0x01,
  message_expiry_interval = 0x02,
  content_type = 0x03,
  response_topic = 0x08,
  correlation_data = 0x09,
  subscription_identifier = 0x0B,
  session_expiry_interval = 0x11,
  assigned_client_identifier = 0x12,
  server_keep_alive = 0x13,
  authentication_method = 0x15,
  authentication_data = 0x16,
  request_problem_information = 0x17,
  will_delay_interval = 0x18,
  request_response_information = 0x19,
  response_information = 0x1A,
  server_reference = 0x1C,
  reason_string = 0x1F,
  receive_maximum = 0x21,
  topic_alias_maximum = 0x22,
  topic_alias = 0x23,
  maximum_qos = 0x24,
  retain_available = 0x25,
  user_property = 0x26,
  maximum_packet_size = 0x27,
  wildcard_subscription_available = 0x28,
  subscription_identifier_available = 0x29,
  shared_subscription_available = 0x2A,
};

enum class wire_type : std::uint8_t { byte, two_byte, four_byte, varint, utf8, binary, utf8_pair };

/// Where a property may stand: a packet type, or the Will Properties of a CONNECT.
enum class property_context : std::uint8_t {
  will = 0, // packet type 0 is reserved, so its slot names the Will Properties
  connect = 1,
  connack,
  publish,
  puback,
  pubrec,
  pubrel,
  pubcomp,
  subscribe,
  suback,
  unsubscribe,
  unsuback,
  pingreq,
  pingresp,
  disconnect,
  auth,
};

constexpr property_context context_of(packet_type t) noexcept {
  return static_cast<property_context>(t);
}

/// What the spec's Table 2-4 says of one property.
struct property_info {
  property_id id;
  wire_type type;
  const char* name;
  std::uint16_t allowed; ///< bit i set: allowed in property_context i
};

/// The entry of a defined identifier, or nullptr.
const property_info* find_property(std::uint8_t id) noexcept;
/// The entry whose name, in lower case with '-' for spaces, is `spelled` (mosquitto_pub's -D
/// spelling, e.g. "message-expiry-interval"), or nullptr.
const property_info* find_property(std::string_view spelled) noexcept;
/// Whether the spec's Table 2-4 allows `info` in `ctx`.
constexpr bool allowed_in(const property_info& info, property_context ctx) noexcept {
  return (info.allowed >> static_cast<unsigned>(ctx) & 1u) != 0;
}

/// Whether `id` may appear in `ctx` more than once: User Property anywhere, Subscription
/// Identifier in PUBLISH only (section 3.3.2.3.8).
bool is_repeatable(property_id id, property_context ctx) noexcept;

using user_property = std::pair<std::string, std::string>;

/// The order in which property kinds first appeared in a decoded packet (the first eight kinds).
/// MQTT gives that order no meaning, so it takes no part in comparing properties; it is kept for
/// tools that print a packet the way another program does (mqtk-sub -F %j, as mosquitto_sub).
struct arrival_order {
  std::array<std::uint8_t, 8> ids{};
  std::uint8_t count = 0;

  void note(property_id id) noexcept {
    if (count < ids.size()) ids[count++] = static_cast<std::uint8_t>(id);
  }
  bool operator==(const arrival_order&) const noexcept { return true; }
};

/// Every v5 property a packet can carry; absent ones are empty. Binary data lives in std::string.
/// Thread safety: a value type.
struct properties {
  std::optional<std::uint8_t> payload_format_indicator;
  std::optional<std::uint32_t> message_expiry_interval;
  std::optional<std::string> content_type;
  std::optional<std::string> response_topic;
  std::optional<std::string> correlation_data;
  std::vector<std::uint32_t> subscription_identifiers;
  std::optional<std::uint32_t> session_expiry_interval;
  std::optional<std::string> assigned_client_identifier;
  std::optional<std::uint16_t> server_keep_alive;
  std::optional<std::string> authentication_method;
  std::optional<std::string> authentication_data;
  std::optional<std::uint8_t> request_problem_information;
  std::optional<std::uint32_t> will_delay_interval;
  std::optional<std::uint8_t> request_response_information;
  std::optional<std::string> response_information;
  std::optional<std::string> server_reference;
  std::optional<std::string> reason_string;
  std::optional<std::uint16_t> receive_maximum;
  std::optional<std::uint16_t> topic_alias_maximum;
  std::optional<std::uint16_t> topic_alias;
  std::optional<std::uint8_t> maximum_qos;
  std::optional<std::uint8_t> retain_available;
  std::vector<user_property> user_properties;
  std::optional<std::uint32_t> maximum_packet_size;
  std::optional<std::uint8_t> wildcard_subscription_available;
  std::optional<std::uint8_t> subscription_identifier_available;
  std::optional<std::uint8_t> shared_subscription_available;
  arrival_order order; ///< filled by the decoder; empty for a packet built in code

  /// True when no property is set.
  bool empty() const noexcept;
  bool operator==(const properties&) const = default;
};

} // namespace mqtk::codec
