// SPDX-License-Identifier: MIT
// Strict decoding: each case names the rule it checks and the error the decoder must report.
#include "check.hpp"

using namespace mqtk;
using namespace mqtk::codec;
using mqtk::testing::check_rejected;

namespace {
constexpr auto v3 = protocol_version::v311;
constexpr auto v5 = protocol_version::v5;

struct bad_case {
  const char* name;
  protocol_version version;
  const char* hex;
  errc expected;
};

// clang-format off
const bad_case cases[] = {
  // Fixed header
  {"packet type 0 is reserved [MQTT-2.2.2-1]", v3, "00 00", errc::reserved_packet_type},
  {"AUTH does not exist in 3.1.1", v3, "f0 00", errc::reserved_packet_type},
  {"PINGREQ with flags set [MQTT-2.2.2-1]", v3, "c1 00", errc::reserved_flags},
  {"CONNECT with flags set [MQTT-2.1.3-1]", v5, "11 00", errc::reserved_flags},
  {"PUBREL with flags 0000 [MQTT-3.6.1-1]", v3, "60 02 00 01", errc::reserved_flags},
  {"SUBSCRIBE with flags 0000 [MQTT-3.8.1-1]", v3, "80 06 00 01 00 01 61 00", errc::reserved_flags},
  {"UNSUBSCRIBE with flags 0000 [MQTT-3.10.1-1]", v3, "a0 05 00 01 00 01 61", errc::reserved_flags},
  {"DISCONNECT with flags set [MQTT-3.14.1-1]", v5, "e1 00", errc::reserved_flags},
  {"AUTH with flags set [MQTT-3.15.1-1]", v5, "f1 00", errc::reserved_flags},
  {"remaining length of 5 bytes", v3, "30 ff ff ff ff 7f", errc::varint_too_long},
  {"remaining length not minimal [MQTT-1.5.5-1]", v5, "c0 80 00", errc::varint_not_minimal},
  // PUBLISH
  {"QoS 3 [MQTT-3.3.1-4]", v3, "36 05 00 01 74 00 01", errc::qos_invalid},
  {"QoS 3 in v5 [MQTT-3.3.1-4]", v5, "36 06 00 01 74 00 01 00", errc::qos_invalid},
  {"DUP on QoS 0 [MQTT-3.3.1-2]", v3, "38 05 00 01 74 78 79", errc::dup_on_qos0},
  {"packet id 0 at QoS 1 [MQTT-2.3.1-1]", v3, "32 05 00 01 74 00 00", errc::packet_id_zero},
  {"packet id 0 at QoS 2 [MQTT-2.2.1-3]", v5, "34 06 00 01 74 00 00 00", errc::packet_id_zero},
  {"'+' in a topic name [MQTT-3.3.2-2]", v3, "30 05 00 01 2b 78 79", errc::topic_name_wildcard},
  {"'#' in a topic name [MQTT-3.3.2-2]", v5, "30 06 00 02 61 23 00 78", errc::topic_name_wildcard},
  {"empty topic in 3.1.1 [MQTT-4.7.3-1]", v3, "30 02 00 00", errc::topic_name_empty},
  {"empty topic without alias in v5", v5, "30 03 00 00 00", errc::topic_name_empty},
  {"U+0000 in a topic [MQTT-1.5.3-2]", v3, "30 03 00 01 00", errc::utf8_null},
  {"U+0000 in a topic [MQTT-1.5.4-2]", v5, "30 04 00 01 00 00", errc::utf8_null},
  {"lone continuation byte in a topic [MQTT-1.5.3-1]", v3, "30 03 00 01 80", errc::utf8_ill_formed},
  {"surrogate U+D800 in a topic [MQTT-1.5.4-1]", v5, "30 06 00 03 ed a0 80 00", errc::utf8_ill_formed},
  {"overlong '/' in a topic [MQTT-1.5.4-1]", v5, "30 05 00 02 c0 af 00", errc::utf8_ill_formed},
  {"topic length past the packet", v3, "30 04 00 05 61 62", errc::truncated},
  // CONNECT
  {"protocol name not MQTT [MQTT-3.1.2-1]", v3, "10 0c 00 04 4d 51 54 58 04 02 00 00 00 00", errc::protocol_name_invalid},
  {"protocol level 3 [MQTT-3.1.2-2]", v3, "10 0c 00 04 4d 51 54 54 03 02 00 00 00 00", errc::protocol_version_unsupported},
  {"protocol level 6 [MQTT-3.1.2-2]", v5, "10 0c 00 04 4d 51 54 54 06 02 00 00 00 00", errc::protocol_version_unsupported},
  {"protocol level 3 with the bridge bit", v3, "10 0c 00 04 4d 51 54 54 83 02 00 00 00 00", errc::protocol_version_unsupported},
  {"MQTT 3.1 (MQIsdp) is not spoken", v3, "10 0e 00 06 4d 51 49 73 64 70 03 02 00 00 00 00", errc::protocol_version_unsupported},
  {"CONNECT reserved flag [MQTT-3.1.2-3]", v3, "10 0c 00 04 4d 51 54 54 04 03 00 00 00 00", errc::connect_reserved_flag},
  {"Will QoS without Will Flag [MQTT-3.1.2-11]", v3, "10 0c 00 04 4d 51 54 54 04 0a 00 00 00 00", errc::will_flags_without_will},
  {"Will Retain without Will Flag [MQTT-3.1.2-13]", v5, "10 0d 00 04 4d 51 54 54 05 22 00 00 00 00 00", errc::will_flags_without_will},
  {"Will QoS 3 [MQTT-3.1.2-12]", v5, "10 0d 00 04 4d 51 54 54 05 1e 00 00 00 00 00", errc::will_qos_invalid},
  {"password without user name in 3.1.1 [MQTT-3.1.2-22]", v3, "10 0e 00 04 4d 51 54 54 04 42 00 00 00 00 00 00", errc::password_without_username},
  {"Receive Maximum 0", v5, "10 10 00 04 4d 51 54 54 05 02 00 00 03 21 00 00 00 00", errc::property_value_invalid},
  {"Maximum Packet Size 0", v5, "10 12 00 04 4d 51 54 54 05 02 00 00 05 27 00 00 00 00 00 00", errc::property_value_invalid},
  {"Request Problem Information 2", v5, "10 0f 00 04 4d 51 54 54 05 02 00 00 02 17 02 00 00", errc::property_value_invalid},
  {"Topic Alias in CONNECT", v5, "10 10 00 04 4d 51 54 54 05 02 00 00 03 23 00 01 00 00", errc::property_not_allowed},
  {"Session Expiry in Will Properties", v5, "10 18 00 04 4d 51 54 54 05 06 00 00 00 00 00 05 11 00 00 00 01 00 01 74 00 00", errc::property_not_allowed},
  {"client id with ill-formed UTF-8 [MQTT-3.1.3-4]", v3, "10 0d 00 04 4d 51 54 54 04 02 00 00 00 01 ff", errc::utf8_ill_formed},
  {"CONNECT with bytes after the last field", v3, "10 0d 00 04 4d 51 54 54 04 02 00 00 00 00 00", errc::trailing_bytes},
  {"CONNECT missing its user name", v3, "10 0c 00 04 4d 51 54 54 04 82 00 00 00 00", errc::truncated},
  // CONNACK
  {"CONNACK reserved flags [MQTT-3.2.2-1]", v3, "20 02 02 00", errc::connack_reserved_flags},
  {"CONNACK return code 6 is reserved", v3, "20 02 00 06", errc::reason_code_invalid},
  {"CONNACK v5 with a DISCONNECT-only code", v5, "20 03 00 8e 00", errc::reason_code_invalid},
  // Properties
  {"repeated Payload Format Indicator", v5, "30 08 00 01 74 04 01 01 01 01", errc::property_repeated},
  {"Session Expiry in PUBLISH", v5, "30 09 00 01 74 05 11 00 00 00 01", errc::property_not_allowed},
  {"unknown property identifier", v5, "30 06 00 01 74 02 7f 00", errc::property_unknown},
  {"property length past the packet", v5, "30 05 00 01 74 09 01", errc::property_length_invalid},
  {"property value past its property length", v5, "30 07 00 01 74 02 02 00 00", errc::property_length_invalid},
  {"Payload Format Indicator 2", v5, "30 06 00 01 74 02 01 02", errc::property_value_invalid},
  {"Topic Alias 0 [MQTT-3.3.2-8]", v5, "30 07 00 01 74 03 23 00 00", errc::topic_alias_zero},
  {"user property key with U+0000 [MQTT-1.5.7-1]", v5, "30 0c 00 01 74 07 26 00 01 00 00 01 76 78", errc::utf8_null},
  {"Subscription Identifier 0", v5, "82 09 00 01 02 0b 00 00 01 61 00", errc::property_value_invalid},
  {"two Subscription Identifiers in SUBSCRIBE", v5, "82 0b 00 01 04 0b 01 0b 02 00 01 61 00", errc::property_repeated},
  // SUBSCRIBE / UNSUBSCRIBE
  {"SUBSCRIBE without filters [MQTT-3.8.3-3]", v3, "82 02 00 01", errc::subscribe_empty},
  {"SUBSCRIBE without filters [MQTT-3.8.3-2]", v5, "82 03 00 01 00", errc::subscribe_empty},
  {"SUBSCRIBE packet id 0 [MQTT-2.3.1-1]", v3, "82 06 00 00 00 01 61 00", errc::packet_id_zero},
  {"SUBSCRIBE reserved option bits [MQTT-3-8.3-4]", v3, "82 06 00 01 00 01 61 04", errc::subscription_options_reserved},
  {"SUBSCRIBE requested QoS 3 [MQTT-3-8.3-4]", v3, "82 06 00 01 00 01 61 03", errc::qos_invalid},
  {"SUBSCRIBE reserved option bits [MQTT-3.8.3-5]", v5, "82 07 00 01 00 00 01 61 c0", errc::subscription_options_reserved},
  {"SUBSCRIBE Retain Handling 3", v5, "82 07 00 01 00 00 01 61 30", errc::retain_handling_invalid},
  {"SUBSCRIBE filter cut short", v5, "82 07 00 01 00 00 05 61 00", errc::truncated},
  {"UNSUBSCRIBE without filters [MQTT-3.10.3-2]", v3, "a2 02 00 01", errc::unsubscribe_empty},
  {"UNSUBSCRIBE filter with U+0000 [MQTT-3.10.3-1]", v5, "a2 06 00 01 00 00 01 00", errc::utf8_null},
  // Acknowledgements
  {"SUBACK 3.1.1 code 0x87 [MQTT-3.9.3-2]", v3, "90 03 00 01 87", errc::reason_code_invalid},
  {"SUBACK v5 without codes", v5, "90 03 00 01 00", errc::suback_empty},
  {"UNSUBACK v5 without codes", v5, "b0 03 00 01 00", errc::suback_empty},
  {"UNSUBACK 3.1.1 with a code", v3, "b0 03 00 01 00", errc::trailing_bytes},
  {"PUBACK with a DISCONNECT-only code", v5, "40 03 00 01 04", errc::reason_code_invalid},
  {"PUBACK packet id 0", v3, "40 02 00 00", errc::packet_id_zero},
  {"PUBACK cut short", v3, "40 01 00", errc::truncated},
  {"PUBACK 3.1.1 with a reason code", v3, "40 03 00 01 00", errc::trailing_bytes},
  {"PUBREL with an undefined code", v5, "62 03 00 01 03", errc::reason_code_invalid},
  // Control
  {"PINGREQ with a body", v3, "c0 01 00", errc::trailing_bytes},
  {"PINGRESP with a body", v5, "d0 01 00", errc::trailing_bytes},
  {"DISCONNECT 3.1.1 with a body", v3, "e0 01 00", errc::trailing_bytes},
  {"DISCONNECT with a CONNACK-only code", v5, "e0 01 84", errc::reason_code_invalid},
  {"AUTH with a code it cannot carry", v5, "f0 01 80", errc::reason_code_invalid},
  {"Will Delay Interval in DISCONNECT", v5, "e0 07 00 05 18 00 00 00 01", errc::property_not_allowed},
};
// clang-format on

} // namespace

TEST_CASE("malformed and forbidden packets are rejected with the rule that they break",
          "[validation]") {
  for (const auto& c : cases) {
    SECTION(c.name) {
      check_rejected(c.version, c.hex, c.expected);
    }
  }
}

TEST_CASE("decode errors map to the reason code a peer must send", "[validation]") {
  auto code_for = [](protocol_version v, std::string_view h) {
    return reason_for(decode(testing::hex(h), v).error());
  };
  CHECK(code_for(v5, "36 06 00 01 74 00 01 00") == reason_code::malformed_packet);
  CHECK(code_for(v5, "30 08 00 01 74 04 01 01 01 01") == reason_code::protocol_error);
  CHECK(code_for(v5, "30 07 00 01 74 03 23 00 00") == reason_code::topic_alias_invalid);
  CHECK(code_for(v5, "10 0c 00 04 4d 51 54 54 06 02 00 00 00 00") ==
        reason_code::unsupported_protocol_version);
}
