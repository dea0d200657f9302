// SPDX-License-Identifier: MIT
// Error codes name their rule and map to the reason code a peer must send.
#include <catch2/catch.hpp>

#include "mqtk/core/errc.hpp"

using namespace mqtk;

TEST_CASE("errc messages cite the rule", "[errc]") {
  CHECK(make_error_code(errc::qos_invalid).message() == "QoS 3 [MQTT-3.3.1-4]");
  CHECK(make_error_code(errc::reserved_flags).message().find("[MQTT-2.2.2-1]") !=
        std::string::npos);
  for (int v = 1; v <= static_cast<int>(errc::server_not_proven); ++v)
    CHECK(make_error_code(static_cast<errc>(v)).message() != "unknown mqtk error");
}

TEST_CASE("errc maps to Malformed Packet, Protocol Error or a specific code", "[errc]") {
  CHECK(reason_for(errc::truncated) == reason_code::malformed_packet);
  CHECK(reason_for(errc::qos_invalid) == reason_code::malformed_packet);
  CHECK(reason_for(errc::property_repeated) == reason_code::protocol_error);
  CHECK(reason_for(errc::packet_too_large) == reason_code::packet_too_large);
  CHECK(reason_for(errc::protocol_version_unsupported) ==
        reason_code::unsupported_protocol_version);
  CHECK(reason_for(errc::topic_alias_zero) == reason_code::topic_alias_invalid);
  CHECK(reason_for(reason_code::quota_exceeded) == reason_code::quota_exceeded);
  CHECK(reason_for(std::make_error_code(std::errc::io_error)) == reason_code::unspecified_error);
}

TEST_CASE("reason codes have the spec's names", "[reason]") {
  CHECK(name(reason_code::packet_too_large) == "Packet too large");
  CHECK(name(reason_code::session_taken_over) == "Session taken over");
  CHECK(make_error_code(reason_code::not_authorized).message() == "Not authorized");
  CHECK(is_failure(reason_code::unspecified_error));
  CHECK_FALSE(is_failure(reason_code::granted_qos_2));
  CHECK_FALSE(is_defined(static_cast<reason_code>(0x03)));
  int defined = 0;
  for (int v = 0; v < 256; ++v)
    defined += is_defined(static_cast<reason_code>(v));
  CHECK(defined == 43); // Table 2-6 has 43 distinct values
}
