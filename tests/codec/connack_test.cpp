// SPDX-License-Identifier: MIT
// CONNACK bytes both ways, 3.1.1 return codes and 5.0 reason codes (spec section 3.2).
#include "check.hpp"

using namespace mqtk;
using namespace mqtk::codec;
using mqtk::testing::check_both_ways;

TEST_CASE("CONNACK v3.1.1 accepted with session present", "[connack][v311]") {
  check_both_ways(connack{true, reason_code::success, {}}, protocol_version::v311, R"(
    20 02   # CONNACK, remaining length 2
    01      # session present
    00      # connection accepted
  )");
}

TEST_CASE("CONNACK v3.1.1 return codes map to v5 reason codes", "[connack][v311]") {
  const std::pair<std::uint8_t, reason_code> rows[] = {
      {0x01, reason_code::unsupported_protocol_version},
      {0x02, reason_code::client_identifier_not_valid},
      {0x03, reason_code::server_unavailable},
      {0x04, reason_code::bad_user_name_or_password},
      {0x05, reason_code::not_authorized},
  };
  for (const auto& [wire, rc] : rows) {
    buffer bytes{0x20, 0x02, 0x00, wire};
    check_both_ways(connack{false, rc, {}}, protocol_version::v311, to_hex(bytes));
  }
  buffer out;
  CHECK(encode(connack{false, reason_code::banned, {}}, protocol_version::v311, out).error() ==
        errc::v5_only_field);
}

TEST_CASE("CONNACK v5 with every CONNACK capability property", "[connack][v5]") {
  connack c;
  c.props.assigned_client_identifier = "a";
  c.props.server_keep_alive = 120;
  c.props.receive_maximum = 100;
  c.props.topic_alias_maximum = 10;
  c.props.maximum_qos = 1;
  c.props.retain_available = 0;
  c.props.maximum_packet_size = 1'048'576;
  c.props.wildcard_subscription_available = 1;
  c.props.subscription_identifier_available = 0;
  c.props.shared_subscription_available = 1;
  check_both_ways(c, protocol_version::v5, R"(
    20 1f           # CONNACK, remaining length 31
    00              # no session present
    00              # Success
    1c              # property length 28
    12 00 01 61     #   assigned client identifier "a"
    13 00 78        #   server keep alive 120
    21 00 64        #   receive maximum 100
    22 00 0a        #   topic alias maximum 10
    24 01           #   maximum QoS 1
    25 00           #   retain available 0
    27 00 10 00 00  #   maximum packet size 1048576
    28 01           #   wildcard subscription available
    29 00           #   subscription identifiers not available
    2a 01           #   shared subscription available
  )");
}

TEST_CASE("CONNACK v5 refusal with reason string", "[connack][v5]") {
  connack c{false, reason_code::not_authorized, {}};
  c.props.reason_string = "bad";
  check_both_ways(c, protocol_version::v5, R"(
    20 09               # CONNACK, remaining length 9
    00                  # no session present
    87                  # Not authorized
    06                  # property length 6
    1f 00 03 62 61 64   #   reason string "bad"
  )");
}
