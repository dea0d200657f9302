// SPDX-License-Identifier: MIT
// Messages of mqtk::errc (each citing the rule it enforces) and their reason-code mapping.
#include "mqtk/core/errc.hpp"

#include <string>

namespace mqtk {
namespace {

struct errc_info {
  const char* message;
  reason_code reason;
};

errc_info info(errc e) noexcept {
  using rc = reason_code;
  switch (e) {
  case errc::truncated:
    return {"a field runs past the end of the packet", rc::malformed_packet};
  case errc::trailing_bytes:
    return {"bytes left after the packet's last field", rc::malformed_packet};
  case errc::varint_too_long:
    return {"Variable Byte Integer longer than 4 bytes (section 1.5.5)", rc::malformed_packet};
  case errc::varint_not_minimal:
    return {"Variable Byte Integer not in its shortest form [MQTT-1.5.5-1]", rc::malformed_packet};
  case errc::reserved_packet_type:
    return {"reserved packet type (0, or AUTH in MQTT 3.1.1) (section 2.1.2)",
            rc::malformed_packet};
  case errc::reserved_flags:
    return {"fixed header flags differ from the reserved values [MQTT-2.2.2-1] [MQTT-2.1.3-1]",
            rc::malformed_packet};
  case errc::packet_too_large:
    return {"packet exceeds the Maximum Packet Size (section 3.1.2.11.4)", rc::packet_too_large};
  case errc::utf8_ill_formed:
    return {"ill-formed UTF-8 string (overlong, surrogate or invalid byte) [MQTT-1.5.4-1] "
            "[MQTT-1.5.3-1]",
            rc::malformed_packet};
  case errc::utf8_null:
    return {"U+0000 in a UTF-8 string [MQTT-1.5.4-2] [MQTT-1.5.3-2]", rc::malformed_packet};
  case errc::string_too_long:
    return {"string or binary field longer than 65,535 bytes (section 1.5.4)",
            rc::malformed_packet};
  case errc::property_unknown:
    return {"unknown property identifier (section 2.2.2.2)", rc::malformed_packet};
  case errc::property_not_allowed:
    return {"property not valid in this packet (section 2.2.2.2)", rc::malformed_packet};
  case errc::property_repeated:
    return {"property included more than once (section 2.2.2.2)", rc::protocol_error};
  case errc::property_value_invalid:
    return {"property value out of range (section 2.2.2.2)", rc::protocol_error};
  case errc::property_length_invalid:
    return {"Property Length runs past the packet (section 2.2.2.1)", rc::malformed_packet};
  case errc::topic_alias_zero:
    return {"Topic Alias 0 [MQTT-3.3.2-8]", rc::topic_alias_invalid};
  case errc::reason_code_invalid:
    return {"reason code not allowed in this packet (section 2.4)", rc::malformed_packet};
  case errc::packet_id_zero:
    return {"Packet Identifier 0 [MQTT-2.2.1-3] [MQTT-2.3.1-1]", rc::protocol_error};
  case errc::qos_invalid:
    return {"QoS 3 [MQTT-3.3.1-4]", rc::malformed_packet};
  case errc::dup_on_qos0:
    return {"DUP flag set on a QoS 0 PUBLISH [MQTT-3.3.1-2]", rc::malformed_packet};
  case errc::topic_name_wildcard:
    return {"wildcard in a PUBLISH Topic Name [MQTT-3.3.2-2]", rc::topic_name_invalid};
  case errc::topic_name_empty:
    return {"empty Topic Name without a Topic Alias [MQTT-4.7.3-1]", rc::protocol_error};
  case errc::protocol_name_invalid:
    return {"CONNECT protocol name is not \"MQTT\" [MQTT-3.1.2-1]",
            rc::unsupported_protocol_version};
  case errc::protocol_version_unsupported:
    return {"unsupported protocol level (not 4 or 5) [MQTT-3.1.2-2]",
            rc::unsupported_protocol_version};
  case errc::connect_reserved_flag:
    return {"CONNECT reserved flag set [MQTT-3.1.2-3]", rc::malformed_packet};
  case errc::will_flags_without_will:
    return {"Will QoS or Will Retain set without the Will Flag [MQTT-3.1.2-11] [MQTT-3.1.2-13]",
            rc::malformed_packet};
  case errc::will_qos_invalid:
    return {"Will QoS 3 [MQTT-3.1.2-12] (v5) [MQTT-3.1.2-14] (v3.1.1)", rc::malformed_packet};
  case errc::password_without_username:
    return {"password without user name in MQTT 3.1.1 [MQTT-3.1.2-22]", rc::malformed_packet};
  case errc::connack_reserved_flags:
    return {"CONNACK acknowledge flags bits 7-1 set [MQTT-3.2.2-1]", rc::malformed_packet};
  case errc::subscribe_empty:
    return {"SUBSCRIBE without a topic filter [MQTT-3.8.3-2] [MQTT-3.8.3-3]", rc::protocol_error};
  case errc::subscription_options_reserved:
    return {"reserved bits of Subscription Options set [MQTT-3.8.3-5] [MQTT-3-8.3-4]",
            rc::malformed_packet};
  case errc::retain_handling_invalid:
    return {"Retain Handling 3 (section 3.8.3.1)", rc::protocol_error};
  case errc::unsubscribe_empty:
    return {"UNSUBSCRIBE without a topic filter [MQTT-3.10.3-2]", rc::protocol_error};
  case errc::suback_empty:
    return {"SUBACK or UNSUBACK without a reason code (sections 3.9.3, 3.11.3)",
            rc::protocol_error};
  case errc::v5_only_field:
    return {"field or packet exists only in MQTT 5.0", rc::protocol_error};
  case errc::topic_filter_invalid:
    return {"invalid Topic Filter (misplaced wildcard, empty, or U+0000) [MQTT-4.7.1-2] "
            "[MQTT-4.7.1-3] [MQTT-4.7.3-1]",
            rc::topic_filter_invalid};
  case errc::topic_name_invalid:
    return {"invalid Topic Name (empty, wildcard, or U+0000) [MQTT-4.7.3-1] [MQTT-4.7.3-2]",
            rc::topic_name_invalid};
  case errc::shared_subscription_invalid:
    return {"invalid shared subscription $share/ShareName/filter [MQTT-4.8.2-1] [MQTT-4.8.2-2]",
            rc::topic_filter_invalid};
  case errc::topic_alias_invalid:
    return {"Topic Alias over the maximum or not yet mapped [MQTT-3.3.2-9] [MQTT-3.3.2-10]",
            rc::topic_alias_invalid};
  case errc::auth_exchange_failed:
    return {"the server's authentication step does not fit the method (section 4.12)",
            rc::protocol_error};
  case errc::server_not_proven:
    return {"the server's SCRAM signature is wrong: it does not hold this user's verifier (a "
            "wrong password file, or not the broker meant)",
            rc::not_authorized};
  }
  return {"unknown mqtk error", rc::unspecified_error};
}

class category_impl final : public std::error_category {
public:
  const char* name() const noexcept override { return "mqtk"; }
  std::string message(int value) const override { return info(static_cast<errc>(value)).message; }
};

} // namespace

const std::error_category& error_category() noexcept {
  static const category_impl category;
  return category;
}

reason_code reason_for(std::error_code ec) noexcept {
  if (ec.category() == error_category()) return info(static_cast<errc>(ec.value())).reason;
  if (ec.category() == reason_category()) return static_cast<reason_code>(ec.value());
  return reason_code::unspecified_error;
}

} // namespace mqtk
