// SPDX-License-Identifier: MIT
// The broker's per-subscriber PUBLISH encoder agrees with the general encoder.
#include "check.hpp"

#include "mqtk/codec/forward.hpp"

using namespace mqtk;
using namespace mqtk::codec;

TEST_CASE("forwarding with per-subscriber fields", "[forward]") {
  publish m{"a/b", "payload", 0, 2, true, false, {}};
  m.props.content_type = "text/plain";
  m.props.message_expiry_interval = 100;
  const std::uint32_t ids[] = {3, 9};
  forward_fields f{42, 1, false, true, ids, 60};
  buffer out;
  REQUIRE(encode_forward(m, f, protocol_version::v5, out));
  CHECK(forward_size(m, f, protocol_version::v5).value() == out.size());
  publish expected = m;
  expected.packet_id = 42;
  expected.qos = 1;
  expected.retain = false;
  expected.dup = true;
  expected.props.subscription_identifiers = {3, 9};
  expected.props.message_expiry_interval = 60;
  CHECK(std::get<publish>(decode(out, protocol_version::v5).value()) == expected);

  buffer general;
  REQUIRE(encode(expected, protocol_version::v5, general));
  CHECK(out == general);
}

TEST_CASE("forwarding to a 3.1.1 subscriber drops properties", "[forward]") {
  publish m{"t", "x", 0, 0, false, false, {}};
  m.props.user_properties = {{"k", "v"}};
  buffer out;
  REQUIRE(encode_forward(m, forward_fields{}, protocol_version::v311, out));
  CHECK(to_hex(out) == "30 04 00 01 74 78");
  CHECK(encode_forward(m, forward_fields{0, 1, false, false, {}, {}}, protocol_version::v311, out)
            .error() == errc::packet_id_zero);
}

TEST_CASE("the forwarded head plus the payload is the whole forwarded packet", "[forward]") {
  publish m{"a/b", std::string(3000, 'p'), 0, 1, false, false, {}};
  m.props.user_properties = {{"k", "v"}};
  const forward_fields f{7, 1, true, false, {}, {}};
  buffer whole, head;
  REQUIRE(encode_forward(m, f, protocol_version::v5, whole));
  REQUIRE(encode_forward_head(m, f, protocol_version::v5, head));
  head.insert(head.end(), m.payload.begin(), m.payload.end());
  CHECK(head == whole);
}

TEST_CASE("a Topic Alias: set with the topic, then used alone, never in 3.1.1", "[forward]") {
  const publish m{"long/topic", "x", 0, 0, false, false, {}};
  forward_fields f;
  f.topic_alias = 3;
  buffer out;
  REQUIRE(encode_forward(m, f, protocol_version::v5, out));
  CHECK(to_hex(out) == "30 11 00 0a 6c 6f 6e 67 2f 74 6f 70 69 63 03 23 00 03 78");
  CHECK(forward_size(m, f, protocol_version::v5).value() == out.size());
  out.clear();
  f.alias_known = true; // the peer has it: the topic goes empty
  REQUIRE(encode_forward(m, f, protocol_version::v5, out));
  CHECK(to_hex(out) == "30 07 00 00 03 23 00 03 78");
  const auto p = std::get<publish>(decode(out, protocol_version::v5).value());
  CHECK(p.topic.empty());
  CHECK(p.props.topic_alias == 3);
  out.clear();
  REQUIRE(encode_forward(m, f, protocol_version::v311, out)); // no properties in 3.1.1
  CHECK(to_hex(out) == "30 0d 00 0a 6c 6f 6e 67 2f 74 6f 70 69 63 78");
}
