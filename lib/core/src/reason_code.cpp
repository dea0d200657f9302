// SPDX-License-Identifier: MIT
// Names of the MQTT 5.0 reason codes and their error category.
#include "mqtk/core/reason_code.hpp"

#include <string>

namespace mqtk {

std::string_view name(reason_code rc) noexcept {
  switch (rc) {
  case reason_code::success:
    return "Success";
  case reason_code::granted_qos_1:
    return "Granted QoS 1";
  case reason_code::granted_qos_2:
    return "Granted QoS 2";
  case reason_code::disconnect_with_will:
    return "Disconnect with Will Message";
  case reason_code::no_matching_subscribers:
    return "No matching subscribers";
  case reason_code::no_subscription_existed:
    return "No subscription existed";
  case reason_code::continue_authentication:
    return "Continue authentication";
  case reason_code::reauthenticate:
    return "Re-authenticate";
  case reason_code::unspecified_error:
    return "Unspecified error";
  case reason_code::malformed_packet:
    return "Malformed Packet";
  case reason_code::protocol_error:
    return "Protocol Error";
  case reason_code::implementation_specific_error:
    return "Implementation specific error";
  case reason_code::unsupported_protocol_version:
    return "Unsupported Protocol Version";
  case reason_code::client_identifier_not_valid:
    return "Client Identifier not valid";
  case reason_code::bad_user_name_or_password:
    return "Bad User Name or Password";
  case reason_code::not_authorized:
    return "Not authorized";
  case reason_code::server_unavailable:
    return "Server unavailable";
  case reason_code::server_busy:
    return "Server busy";
  case reason_code::banned:
    return "Banned";
  case reason_code::server_shutting_down:
    return "Server shutting down";
  case reason_code::bad_authentication_method:
    return "Bad authentication method";
  case reason_code::keep_alive_timeout:
    return "Keep Alive timeout";
  case reason_code::session_taken_over:
    return "Session taken over";
  case reason_code::topic_filter_invalid:
    return "Topic Filter invalid";
  case reason_code::topic_name_invalid:
    return "Topic Name invalid";
  case reason_code::packet_identifier_in_use:
    return "Packet Identifier in use";
  case reason_code::packet_identifier_not_found:
    return "Packet Identifier not found";
  case reason_code::receive_maximum_exceeded:
    return "Receive Maximum exceeded";
  case reason_code::topic_alias_invalid:
    return "Topic Alias invalid";
  case reason_code::packet_too_large:
    return "Packet too large";
  case reason_code::message_rate_too_high:
    return "Message rate too high";
  case reason_code::quota_exceeded:
    return "Quota exceeded";
  case reason_code::administrative_action:
    return "Administrative action";
  case reason_code::payload_format_invalid:
    return "Payload format invalid";
  case reason_code::retain_not_supported:
    return "Retain not supported";
  case reason_code::qos_not_supported:
    return "QoS not supported";
  case reason_code::use_another_server:
    return "Use another server";
  case reason_code::server_moved:
    return "Server moved";
  case reason_code::shared_subscriptions_not_supported:
    return "Shared Subscriptions not supported";
  case reason_code::connection_rate_exceeded:
    return "Connection rate exceeded";
  case reason_code::maximum_connect_time:
    return "Maximum connect time";
  case reason_code::subscription_identifiers_not_supported:
    return "Subscription Identifiers not supported";
  case reason_code::wildcard_subscriptions_not_supported:
    return "Wildcard Subscriptions not supported";
  }
  return "Unknown reason code";
}

bool is_defined(reason_code rc) noexcept {
  return name(rc) != "Unknown reason code";
}

namespace {
class reason_category_impl final : public std::error_category {
public:
  const char* name() const noexcept override { return "mqtt-reason"; }
  std::string message(int value) const override {
    return std::string(mqtk::name(static_cast<reason_code>(value)));
  }
};
} // namespace

const std::error_category& reason_category() noexcept {
  static const reason_category_impl category;
  return category;
}

} // namespace mqtk
