// SPDX-License-Identifier: MIT
// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK bytes both ways (spec sections 3.8 to 3.11).
#include "check.hpp"

using namespace mqtk;
using namespace mqtk::codec;
using mqtk::testing::check_both_ways;

TEST_CASE("SUBSCRIBE v3.1.1", "[subscribe][v311]") {
  subscribe s{1, {{"a/#", {1}}, {"+", {2}}}, {}};
  check_both_ways(s, protocol_version::v311, R"(
    82 0c             # SUBSCRIBE, flags 0010 [MQTT-3.8.1-1], remaining length 12
    00 01             # packet id 1
    00 03 61 2f 23    # filter "a/#"
    01                #   QoS 1
    00 01 2b          # filter "+"
    02                #   QoS 2
  )");
}

TEST_CASE("SUBSCRIBE v5 with options and a subscription identifier", "[subscribe][v5]") {
  subscribe s{2, {}, {}};
  s.topics.push_back({"x", {1, true, true, 2}});
  s.topics.push_back({"$share/g/y", {0, false, false, 1}});
  s.props.subscription_identifiers = {5};
  check_both_ways(s, protocol_version::v5, R"(
    82 16                             # SUBSCRIBE, remaining length 22
    00 02                             # packet id 2
    02                                # property length 2
    0b 05                             #   subscription identifier 5
    00 01 78                          # filter "x"
    2d                                #   QoS 1, no local, retain as published, retain handling 2
    00 0a 24 73 68 61 72 65 2f 67 2f 79  # filter "$share/g/y"
    10                                #   QoS 0, retain handling 1
  )");
}

TEST_CASE("SUBACK v3.1.1", "[suback][v311]") {
  suback s{1,
           {reason_code::granted_qos_1, reason_code::granted_qos_2, reason_code::unspecified_error},
           {}};
  check_both_ways(s, protocol_version::v311, R"(
    90 05     # SUBACK, remaining length 5
    00 01     # packet id 1
    01 02 80  # granted QoS 1, granted QoS 2, failure
  )");
}

TEST_CASE("SUBACK v5", "[suback][v5]") {
  suback s{2,
           {granted_qos_0, reason_code::granted_qos_1, reason_code::not_authorized,
            reason_code::wildcard_subscriptions_not_supported},
           {}};
  check_both_ways(s, protocol_version::v5, R"(
    90 07         # SUBACK, remaining length 7
    00 02         # packet id 2
    00            # property length 0
    00 01 87 a2   # QoS 0, QoS 1, Not authorized, Wildcard Subscriptions not supported
  )");
}

TEST_CASE("UNSUBSCRIBE v3.1.1", "[unsubscribe][v311]") {
  check_both_ways(unsubscribe{3, {"a", "b/+"}, {}}, protocol_version::v311, R"(
    a2 0a             # UNSUBSCRIBE, flags 0010 [MQTT-3.10.1-1], remaining length 10
    00 03             # packet id 3
    00 01 61          # filter "a"
    00 03 62 2f 2b    # filter "b/+"
  )");
}

TEST_CASE("UNSUBSCRIBE v5 with a user property", "[unsubscribe][v5]") {
  unsubscribe u{3, {"a"}, {}};
  u.props.user_properties = {{"k", "v"}};
  check_both_ways(u, protocol_version::v5, R"(
    a2 0d                   # UNSUBSCRIBE, remaining length 13
    00 03                   # packet id 3
    07                      # property length 7
    26 00 01 6b 00 01 76    #   user property k=v
    00 01 61                # filter "a"
  )");
}

TEST_CASE("UNSUBACK v3.1.1 and v5", "[unsuback]") {
  check_both_ways(unsuback{3, {}, {}}, protocol_version::v311, "b0 02 00 03  # UNSUBACK id 3");
  check_both_ways(unsuback{3, {reason_code::success, reason_code::no_subscription_existed}, {}},
                  protocol_version::v5, R"(
    b0 05   # UNSUBACK, remaining length 5
    00 03   # packet id 3
    00      # property length 0
    00 11   # Success, No subscription existed
  )");
}

TEST_CASE("SUBSCRIBE encoder refuses empty lists and v5 options in 3.1.1", "[subscribe]") {
  buffer out;
  CHECK(encode(subscribe{1, {}, {}}, protocol_version::v5, out).error() == errc::subscribe_empty);
  CHECK(encode(unsubscribe{1, {}, {}}, protocol_version::v5, out).error() ==
        errc::unsubscribe_empty);
  CHECK(
      encode(subscribe{1, {{"a", {0, true, false, 0}}}, {}}, protocol_version::v311, out).error() ==
      errc::v5_only_field);
  CHECK(encode(suback{1, {reason_code::not_authorized}, {}}, protocol_version::v311, out).error() ==
        errc::v5_only_field);
}
