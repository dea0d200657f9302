// SPDX-License-Identifier: MIT
// CONNECT bytes both ways, 3.1.1 and 5.0 (spec section 3.1).
#include "check.hpp"

using namespace mqtk;
using namespace mqtk::codec;
using mqtk::testing::check_both_ways;

TEST_CASE("CONNECT v3.1.1 minimal", "[connect][v311]") {
  connect c;
  c.version = protocol_version::v311;
  c.keep_alive = 0;
  check_both_ways(c, protocol_version::v311, R"(
    10 0c               # CONNECT, remaining length 12
    00 04 4d 51 54 54   # protocol name "MQTT"
    04                  # protocol level 4
    02                  # flags: clean session
    00 00               # keep alive 0
    00 00               # client id ""
  )");
}

TEST_CASE("CONNECT v3.1.1 from a bridge sets the top bit of the level", "[connect][v311]") {
  connect c;
  c.version = protocol_version::v311;
  c.bridge = true;
  c.clean_start = false;
  c.client_id = "b";
  check_both_ways(c, protocol_version::v311, R"(
    10 0d               # CONNECT, remaining length 13
    00 04 4d 51 54 54   # "MQTT"
    84                  # level 4 with the bridge bit (try_private)
    00                  # flags: none
    00 3c               # keep alive 60
    00 01 62            # client id "b"
  )");
}

TEST_CASE("CONNECT v3.1.1 with will, user name and password", "[connect][v311]") {
  connect c;
  c.version = protocol_version::v311;
  c.client_id = "id1";
  c.will = will_message{"w/t", "bye", 1, true, {}};
  c.username = "u";
  c.password = "pw";
  check_both_ways(c, protocol_version::v311, R"(
    10 20               # CONNECT, remaining length 32
    00 04 4d 51 54 54   # "MQTT"
    04                  # level 4
    ee                  # user, password, will retain, will QoS 1, will, clean
    00 3c               # keep alive 60
    00 03 69 64 31      # client id "id1"
    00 03 77 2f 74      # will topic "w/t"
    00 03 62 79 65      # will message "bye"
    00 01 75            # user name "u"
    00 02 70 77         # password "pw"
  )");
}

TEST_CASE("CONNECT v5 with properties and will properties", "[connect][v5]") {
  connect c;
  c.version = protocol_version::v5;
  c.client_id = "c";
  c.keep_alive = 30;
  c.props.session_expiry_interval = 3600;
  c.props.receive_maximum = 20;
  c.props.user_properties = {{"k", "v"}};
  will_message w{"w", "x", 2, false, {}};
  w.props.payload_format_indicator = 1;
  w.props.content_type = "t";
  w.props.will_delay_interval = 5;
  c.will = w;
  c.username = "u";
  check_both_ways(c, protocol_version::v5, R"(
    10 32                   # CONNECT, remaining length 50
    00 04 4d 51 54 54       # "MQTT"
    05                      # level 5
    96                      # user name, will QoS 2, will, clean start
    00 1e                   # keep alive 30
    0f                      # property length 15
    11 00 00 0e 10          #   session expiry interval 3600
    21 00 14                #   receive maximum 20
    26 00 01 6b 00 01 76    #   user property k=v
    00 01 63                # client id "c"
    0b                      # will property length 11
    01 01                   #   payload format indicator 1
    03 00 01 74             #   content type "t"
    18 00 00 00 05          #   will delay interval 5
    00 01 77                # will topic "w"
    00 01 78                # will payload "x"
    00 01 75                # user name "u"
  )");
}

TEST_CASE("CONNECT v5 allows a password without a user name", "[connect][v5]") {
  connect c;
  c.version = protocol_version::v5;
  c.keep_alive = 0;
  c.password = std::string("\x00\xff", 2);
  check_both_ways(c, protocol_version::v5, R"(
    10 11                   # CONNECT, remaining length 17
    00 04 4d 51 54 54       # "MQTT"
    05                      # level 5
    42                      # password, clean start
    00 00                   # keep alive 0
    00                      # no properties
    00 00                   # client id ""
    00 02 00 ff             # password, binary
  )");
}

TEST_CASE("CONNECT decodes in its own version whatever the decoder expects", "[connect]") {
  const auto v5 = testing::hex("10 0d 00 04 4d 51 54 54 05 02 00 00 00 00 00");
  auto p = decode(v5, protocol_version::v311);
  REQUIRE(p);
  CHECK(std::get<connect>(*p).version == protocol_version::v5);
}

TEST_CASE("encoder refuses what 3.1.1 cannot say", "[connect][v311]") {
  connect c;
  c.version = protocol_version::v311;
  c.password = "p";
  buffer out;
  CHECK(encode(c, protocol_version::v311, out).error() == errc::password_without_username);
  c.username = "u";
  c.props.session_expiry_interval = 1;
  CHECK(encode(c, protocol_version::v311, out).error() == errc::v5_only_field);
  CHECK(out.empty());
}
