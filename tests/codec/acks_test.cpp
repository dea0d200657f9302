// SPDX-License-Identifier: MIT
// PUBACK, PUBREC, PUBREL, PUBCOMP bytes both ways (spec sections 3.4 to 3.7).
#include "check.hpp"

using namespace mqtk;
using namespace mqtk::codec;
using mqtk::testing::check_both_ways;

TEST_CASE("acks v3.1.1", "[acks][v311]") {
  check_both_ways(puback{7, {}, {}}, protocol_version::v311, "40 02 00 07  # PUBACK id 7");
  check_both_ways(pubrec{7, {}, {}}, protocol_version::v311, "50 02 00 07  # PUBREC id 7");
  check_both_ways(pubrel{7, {}, {}}, protocol_version::v311,
                  "62 02 00 07  # PUBREL, flags 0010 [MQTT-3.6.1-1], id 7");
  check_both_ways(pubcomp{7, {}, {}}, protocol_version::v311, "70 02 00 07  # PUBCOMP id 7");
}

TEST_CASE("acks v5 leave out a Success reason code and empty properties", "[acks][v5]") {
  check_both_ways(puback{7, reason_code::success, {}}, protocol_version::v5, R"(
    40 02     # PUBACK, remaining length 2
    00 07     # packet id 7 (reason code and properties omitted)
  )");
  check_both_ways(puback{7, reason_code::no_matching_subscribers, {}}, protocol_version::v5, R"(
    40 03     # PUBACK, remaining length 3
    00 07     # packet id 7
    10        # No matching subscribers (property length omitted)
  )");
  check_both_ways(pubrel{7, reason_code::packet_identifier_not_found, {}}, protocol_version::v5,
                  "62 03 00 07 92  # PUBREL id 7, Packet Identifier not found");
  check_both_ways(pubcomp{7, {}, {}}, protocol_version::v5, "70 02 00 07  # PUBCOMP id 7");
}

TEST_CASE("PUBREC v5 with a reason string", "[acks][v5]") {
  pubrec p{7, reason_code::not_authorized, {}};
  p.props.reason_string = "no";
  check_both_ways(p, protocol_version::v5, R"(
    50 09           # PUBREC, remaining length 9
    00 07           # packet id 7
    87              # Not authorized
    05              # property length 5
    1f 00 02 6e 6f  #   reason string "no"
  )");
}

TEST_CASE("acks v5 accept the long forms of Success", "[acks][v5]") {
  auto p = decode(testing::hex("40 04 00 07 00 00"), protocol_version::v5);
  REQUIRE(p);
  CHECK(std::get<puback>(*p) == puback{7, reason_code::success, {}});
  p = decode(testing::hex("40 03 00 07 00"), protocol_version::v5);
  REQUIRE(p);
  CHECK(std::get<puback>(*p) == puback{7, reason_code::success, {}});
}

TEST_CASE("ack encoder refuses v5 codes in 3.1.1 and codes the packet cannot carry", "[acks]") {
  buffer out;
  CHECK(encode(puback{1, reason_code::not_authorized, {}}, protocol_version::v311, out).error() ==
        errc::v5_only_field);
  CHECK(encode(pubrel{1, reason_code::not_authorized, {}}, protocol_version::v5, out).error() ==
        errc::reason_code_invalid);
  CHECK(encode(puback{0, {}, {}}, protocol_version::v5, out).error() == errc::packet_id_zero);
}
