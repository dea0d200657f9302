// SPDX-License-Identifier: MIT
// Table 2-6 of MQTT 5.0 as a lookup, and the mapping of 3.1.1 CONNACK return codes.
#include "reason_rules.hpp"

namespace mqtk::codec::detail {
namespace {

using pt = packet_type;
using rc = reason_code;

constexpr std::uint16_t bit(pt t) {
  return std::uint16_t(1u << unsigned(t));
}
template <class... T>
constexpr std::uint16_t in(T... t) {
  return static_cast<std::uint16_t>((bit(t) | ...));
}

std::uint16_t packets_for(rc code) noexcept {
  switch (code) {
  case rc::success:
    return in(pt::connack, pt::puback, pt::pubrec, pt::pubrel, pt::pubcomp, pt::unsuback, pt::auth,
              pt::disconnect, pt::suback);
  case rc::granted_qos_1:
  case rc::granted_qos_2:
    return in(pt::suback);
  case rc::disconnect_with_will:
    return in(pt::disconnect);
  case rc::no_matching_subscribers:
    return in(pt::puback, pt::pubrec);
  case rc::no_subscription_existed:
    return in(pt::unsuback);
  case rc::continue_authentication:
  case rc::reauthenticate:
    return in(pt::auth);
  case rc::unspecified_error:
  case rc::implementation_specific_error:
  case rc::not_authorized:
    return in(pt::connack, pt::puback, pt::pubrec, pt::suback, pt::unsuback, pt::disconnect);
  case rc::malformed_packet:
  case rc::protocol_error:
  case rc::server_busy:
  case rc::bad_authentication_method:
  case rc::packet_too_large:
  case rc::retain_not_supported:
  case rc::qos_not_supported:
  case rc::use_another_server:
  case rc::server_moved:
  case rc::connection_rate_exceeded:
    return in(pt::connack, pt::disconnect);
  case rc::unsupported_protocol_version:
  case rc::client_identifier_not_valid:
  case rc::bad_user_name_or_password:
  case rc::server_unavailable:
  case rc::banned:
    return in(pt::connack);
  case rc::server_shutting_down:
  case rc::keep_alive_timeout:
  case rc::session_taken_over:
  case rc::receive_maximum_exceeded:
  case rc::topic_alias_invalid:
  case rc::message_rate_too_high:
  case rc::administrative_action:
  case rc::maximum_connect_time:
    return in(pt::disconnect);
  case rc::topic_filter_invalid:
    return in(pt::suback, pt::unsuback, pt::disconnect);
  case rc::topic_name_invalid:
  case rc::payload_format_invalid:
    return in(pt::connack, pt::puback, pt::pubrec, pt::disconnect);
  case rc::packet_identifier_in_use:
    return in(pt::puback, pt::pubrec, pt::suback, pt::unsuback);
  case rc::packet_identifier_not_found:
    return in(pt::pubrel, pt::pubcomp);
  case rc::quota_exceeded:
    return in(pt::connack, pt::puback, pt::pubrec, pt::suback, pt::disconnect);
  case rc::shared_subscriptions_not_supported:
  case rc::subscription_identifiers_not_supported:
  case rc::wildcard_subscriptions_not_supported:
    return in(pt::suback, pt::disconnect);
  }
  return 0;
}

} // namespace

bool reason_allowed(packet_type type, reason_code code) noexcept {
  return (packets_for(code) & bit(type)) != 0;
}

std::optional<std::uint8_t> v311_connack_code(reason_code code) noexcept {
  switch (code) {
  case rc::success:
    return 0x00;
  case rc::unsupported_protocol_version:
    return 0x01;
  case rc::client_identifier_not_valid:
    return 0x02;
  case rc::server_unavailable:
    return 0x03;
  case rc::bad_user_name_or_password:
    return 0x04;
  case rc::not_authorized:
    return 0x05;
  default:
    return std::nullopt;
  }
}

std::optional<reason_code> from_v311_connack(std::uint8_t code) noexcept {
  static constexpr rc map[] = {rc::success,
                               rc::unsupported_protocol_version,
                               rc::client_identifier_not_valid,
                               rc::server_unavailable,
                               rc::bad_user_name_or_password,
                               rc::not_authorized};
  if (code < 6) return map[code];
  return std::nullopt;
}

} // namespace mqtk::codec::detail
