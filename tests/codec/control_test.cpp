// SPDX-License-Identifier: MIT
// PINGREQ, PINGRESP, DISCONNECT, AUTH bytes both ways (spec sections 3.12 to 3.15).
#include "check.hpp"

using namespace mqtk;
using namespace mqtk::codec;
using mqtk::testing::check_both_ways;

TEST_CASE("PINGREQ and PINGRESP", "[ping]") {
  for (const auto v : {protocol_version::v311, protocol_version::v5}) {
    check_both_ways(pingreq{}, v, "c0 00  # PINGREQ");
    check_both_ways(pingresp{}, v, "d0 00  # PINGRESP");
  }
}

TEST_CASE("DISCONNECT v3.1.1", "[disconnect][v311]") {
  check_both_ways(disconnect{}, protocol_version::v311, "e0 00  # DISCONNECT");
  buffer out;
  CHECK(encode(disconnect{reason_code::session_taken_over, {}}, protocol_version::v311, out)
            .error() == errc::v5_only_field);
}

TEST_CASE("DISCONNECT v5", "[disconnect][v5]") {
  check_both_ways(disconnect{}, protocol_version::v5,
                  "e0 00  # DISCONNECT, Normal disconnection implied by length 0");
  check_both_ways(disconnect{reason_code::session_taken_over, {}}, protocol_version::v5, R"(
    e0 01   # DISCONNECT, remaining length 1
    8e      # Session taken over
  )");
  disconnect d{reason_code::disconnect_with_will, {}};
  d.props.session_expiry_interval = 0;
  check_both_ways(d, protocol_version::v5, R"(
    e0 07             # DISCONNECT, remaining length 7
    04                # Disconnect with Will Message
    05                # property length 5
    11 00 00 00 00    #   session expiry interval 0
  )");
}

TEST_CASE("AUTH v5", "[auth][v5]") {
  check_both_ways(auth{}, protocol_version::v5, "f0 00  # AUTH, Success implied by length 0");
  auth a{reason_code::continue_authentication, {}};
  a.props.authentication_method = "SCRM";
  a.props.authentication_data = std::string("\x01\x02");
  check_both_ways(a, protocol_version::v5, R"(
    f0 0e                   # AUTH, remaining length 14
    18                      # Continue authentication
    0c                      # property length 12
    15 00 04 53 43 52 4d    #   authentication method "SCRM"
    16 00 02 01 02          #   authentication data 01 02
  )");
  buffer out;
  CHECK(encode(auth{}, protocol_version::v311, out).error() == errc::v5_only_field);
}
