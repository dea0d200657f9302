// SPDX-License-Identifier: MIT
// PUBLISH bytes both ways (spec section 3.3).
#include "check.hpp"

using namespace mqtk;
using namespace mqtk::codec;
using mqtk::testing::check_both_ways;

TEST_CASE("PUBLISH v3.1.1 QoS 0", "[publish][v311]") {
  check_both_ways(publish{"a/b", "hi", 0, 0, false, false, {}}, protocol_version::v311, R"(
    30 07             # PUBLISH QoS 0, remaining length 7
    00 03 61 2f 62    # topic "a/b"
    68 69             # payload "hi" (no packet id at QoS 0 [MQTT-2.2.1-2])
  )");
}

TEST_CASE("PUBLISH v3.1.1 QoS 1 with DUP and RETAIN", "[publish][v311]") {
  check_both_ways(publish{"t", "x", 10, 1, true, true, {}}, protocol_version::v311, R"(
    3b 06       # PUBLISH DUP, QoS 1, RETAIN; remaining length 6
    00 01 74    # topic "t"
    00 0a       # packet id 10
    78          # payload "x"
  )");
}

TEST_CASE("PUBLISH v3.1.1 QoS 2 with an empty payload", "[publish][v311]") {
  check_both_ways(publish{"t", "", 0x1234, 2, false, false, {}}, protocol_version::v311, R"(
    34 05       # PUBLISH QoS 2, remaining length 5
    00 01 74    # topic "t"
    12 34       # packet id 0x1234
  )");
}

TEST_CASE("PUBLISH v5 QoS 0 without properties", "[publish][v5]") {
  check_both_ways(publish{"t", "hi", 0, 0, false, false, {}}, protocol_version::v5, R"(
    30 06       # PUBLISH QoS 0, remaining length 6
    00 01 74    # topic "t"
    00          # property length 0 [MQTT-2.2.2-1]
    68 69       # payload "hi"
  )");
}

TEST_CASE("PUBLISH v5 QoS 1 with every PUBLISH property", "[publish][v5]") {
  publish p{"a", "{}", 1, 1, false, false, {}};
  p.props.payload_format_indicator = 1;
  p.props.message_expiry_interval = 60;
  p.props.content_type = "json";
  p.props.response_topic = "r";
  p.props.correlation_data = std::string("\x01\x02");
  p.props.subscription_identifiers = {300};
  p.props.topic_alias = 3;
  p.props.user_properties = {{"a", "b"}};
  check_both_ways(p, protocol_version::v5, R"(
    32 2c                   # PUBLISH QoS 1, remaining length 44
    00 01 61                # topic "a"
    00 01                   # packet id 1
    24                      # property length 36
    01 01                   #   payload format indicator: UTF-8
    02 00 00 00 3c          #   message expiry 60 s
    03 00 04 6a 73 6f 6e    #   content type "json"
    08 00 01 72             #   response topic "r"
    09 00 02 01 02          #   correlation data 01 02
    0b ac 02                #   subscription identifier 300 (varint)
    23 00 03                #   topic alias 3
    26 00 01 61 00 01 62    #   user property a=b
    7b 7d                   # payload "{}"
  )");
}

TEST_CASE("PUBLISH v5 with a topic alias and an empty topic", "[publish][v5]") {
  publish p{"", "p", 0, 0, false, false, {}};
  p.props.topic_alias = 5;
  check_both_ways(p, protocol_version::v5, R"(
    30 07       # PUBLISH QoS 0, remaining length 7
    00 00       # empty topic: the alias stands for it
    03          # property length 3
    23 00 05    #   topic alias 5
    70          # payload "p"
  )");
}

TEST_CASE("PUBLISH v5 may carry several subscription identifiers", "[publish][v5]") {
  publish p{"t", "", 0, 0, false, false, {}};
  p.props.subscription_identifiers = {1, 268'435'455};
  check_both_ways(p, protocol_version::v5, R"(
    30 0b               # PUBLISH QoS 0, remaining length 11
    00 01 74            # topic "t"
    07                  # property length 7
    0b 01               #   subscription identifier 1
    0b ff ff ff 7f      #   subscription identifier 268435455
  )");
}

TEST_CASE("PUBLISH with a 2-byte remaining length", "[publish]") {
  publish p{"t", std::string(200, 'x'), 0, 0, false, false, {}};
  buffer out;
  REQUIRE(encode(p, protocol_version::v311, out));
  CHECK(out[0] == 0x30);
  CHECK(out[1] == 0xCB); // 203 = 0x4B | 0x80, then 0x01
  CHECK(out[2] == 0x01);
  CHECK(out.size() == 3 + 203);
  CHECK(std::get<publish>(decode(out, protocol_version::v311).value()) == p);
}

TEST_CASE("PUBLISH encoder refuses invalid QoS, packet id 0, DUP at QoS 0", "[publish]") {
  buffer out;
  CHECK(encode(publish{"t", "", 1, 3, false, false, {}}, protocol_version::v5, out).error() ==
        errc::qos_invalid);
  CHECK(encode(publish{"t", "", 0, 1, false, false, {}}, protocol_version::v5, out).error() ==
        errc::packet_id_zero);
  CHECK(encode(publish{"t", "", 0, 0, false, true, {}}, protocol_version::v5, out).error() ==
        errc::dup_on_qos0);
  publish big{std::string(70'000, 'a'), "", 0, 0, false, false, {}};
  CHECK(encode(big, protocol_version::v5, out).error() == errc::string_too_long);
  CHECK(out.empty());
}
