// SPDX-License-Identifier: MIT
// The stream decoder: any chunking, "need more" is not an error, size limits before buffering.
#include "check.hpp"

using namespace mqtk;
using namespace mqtk::codec;

TEST_CASE("several packets in one read decode one by one", "[stream]") {
  const auto bytes = testing::hex("c0 00  d0 00  30 04 00 01 74 78  e0 00");
  stream_decoder sd(protocol_version::v311);
  sd.feed(bytes);
  CHECK(std::holds_alternative<pingreq>(*sd.next().value()));
  CHECK(std::holds_alternative<pingresp>(*sd.next().value()));
  CHECK(std::get<publish>(*sd.next().value()).payload == "x");
  CHECK(std::holds_alternative<disconnect>(*sd.next().value()));
  CHECK_FALSE(sd.next().value().has_value());
  CHECK(sd.buffered() == 0);
}

TEST_CASE("byte-at-a-time feeding yields the same packets", "[stream]") {
  const auto bytes = testing::hex("30 04 00 01 74 78  c0 00");
  stream_decoder sd(protocol_version::v311);
  std::vector<packet> got;
  for (const auto b : bytes) {
    const std::uint8_t one[1] = {b};
    sd.feed(one);
    while (auto p = sd.next().value())
      got.push_back(*p);
  }
  REQUIRE(got.size() == 2);
  CHECK(std::get<publish>(got[0]).topic == "t");
  CHECK(std::holds_alternative<pingreq>(got[1]));
  CHECK(sd.buffered() == 0);
}

TEST_CASE("a packet over the maximum size is refused from its fixed header", "[stream]") {
  stream_decoder sd(protocol_version::v5, 1024);
  const auto header = testing::hex("30 ff 7f"); // announces 16,383 bytes, sends none
  sd.feed(header);
  auto r = sd.next();
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::packet_too_large);
  CHECK(reason_for(r.error()) == reason_code::packet_too_large);
  CHECK(sd.buffered() == 0);                          // nothing of the body was buffered
  CHECK(sd.next().error() == errc::packet_too_large); // sticky
}

TEST_CASE("a header announcing 268 MB buffers only what arrives", "[stream]") {
  stream_decoder sd(protocol_version::v5);
  const auto header = testing::hex("30 ff ff ff 7f 00 01 74");
  sd.feed(header);
  CHECK_FALSE(sd.next().value().has_value());
  CHECK(sd.buffered() == header.size());
}

TEST_CASE("the size limit also applies when the header arrives in pieces", "[stream]") {
  stream_decoder sd(protocol_version::v5, 100);
  const std::uint8_t a[] = {0x30, 0xff};
  const std::uint8_t b[] = {0x7f};
  sd.feed(a);
  CHECK_FALSE(sd.next().value().has_value());
  sd.feed(b);
  CHECK(sd.next().error() == errc::packet_too_large);
}

TEST_CASE("the partial-packet buffer is released once the packet completes", "[stream]") {
  stream_decoder sd(protocol_version::v311);
  const auto bytes = testing::hex("30 04 00 01 74 78");
  sd.feed(byte_view(bytes).first(3));
  CHECK_FALSE(sd.next().value().has_value());
  CHECK(sd.buffered() == 3);
  sd.feed(byte_view(bytes).subspan(3));
  CHECK(sd.next().value().has_value());
  CHECK(sd.buffered() == 0);
}

TEST_CASE("the version can change after CONNECT", "[stream]") {
  // A v5 CONNECT followed by a v5 PUBLISH with a property, in one read.
  const auto bytes = testing::hex("10 0d 00 04 4d 51 54 54 05 02 00 00 00 00 00"
                                  "30 07 00 01 74 02 01 01 78");
  stream_decoder sd(protocol_version::v311);
  sd.feed(bytes);
  const auto c = sd.next().value();
  REQUIRE(c);
  sd.set_version(std::get<connect>(*c).version);
  const auto p = sd.next().value();
  REQUIRE(p);
  CHECK(std::get<publish>(*p).props.payload_format_indicator == 1);
}

TEST_CASE("errors are sticky and name the rule", "[stream]") {
  stream_decoder sd(protocol_version::v311);
  const auto bytes = testing::hex("c0 00 36 00");
  sd.feed(bytes);
  CHECK(sd.next().value().has_value());
  auto r = sd.next();
  REQUIRE_FALSE(r);
  CHECK(r.error().message() == "QoS 3 [MQTT-3.3.1-4]");
  CHECK(sd.next().error() == errc::qos_invalid);
}

TEST_CASE("hold() keeps unread packets in order after the fed view is gone", "[stream]") {
  auto bytes = testing::hex("c0 00  30 04 00 01 74 78  e0 00  30");
  stream_decoder sd(protocol_version::v311);
  sd.feed(bytes);
  CHECK(std::holds_alternative<pingreq>(*sd.next().value()));
  sd.hold();
  std::fill(bytes.begin(), bytes.end(), std::uint8_t{0xff}); // the reader's buffer is reused
  CHECK(std::get<publish>(*sd.next().value()).payload == "x");
  CHECK(std::holds_alternative<disconnect>(*sd.next().value()));
  CHECK_FALSE(sd.next().value().has_value()); // "30": a header byte, more needed
  const auto rest = testing::hex("03 00 01 74");
  sd.feed(rest);
  CHECK(std::get<publish>(*sd.next().value()).topic == "t");
  CHECK(sd.buffered() == 0);
}

namespace {

// A v5 QoS 1 PUBLISH on "big" with a Content Type and `n` payload bytes, encoded.
buffer large_publish(std::size_t n, publish& p) {
  p = publish{"big", std::string(n, 'x'), 7, 1, false, false, {}};
  for (std::size_t i = 0; i < n; ++i)
    p.payload[i] = static_cast<char>('a' + i % 26);
  p.props.content_type = "application/octet-stream";
  buffer out;
  REQUIRE(encode(p, protocol_version::v5, out));
  return out;
}

} // namespace

TEST_CASE("a large PUBLISH in any chunking decodes whole, reserved at once or grown", "[stream]") {
  publish expected;
  const auto bytes = large_publish(300 * 1024, expected);
  for (const bool reserve : {false, true})
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{1000}, std::size_t{65536}}) {
      INFO("reserve " << reserve << ", chunk " << chunk);
      stream_decoder sd(protocol_version::v5);
      sd.set_reserve_announced(reserve);
      std::vector<packet> got;
      for (std::size_t at = 0; at < bytes.size(); at += chunk) {
        sd.feed(byte_view(bytes).subspan(at, std::min(chunk, bytes.size() - at)));
        while (auto p = sd.next().value())
          got.push_back(std::move(*p));
        if (got.empty()) CHECK(sd.buffered() == std::min(at + chunk, bytes.size()));
      }
      REQUIRE(got.size() == 1);
      CHECK(std::get<publish>(got[0]) == expected);
      CHECK(sd.buffered() == 0);
      CHECK(sd.awaited() == 0);
    }
}

TEST_CASE("a large PUBLISH behind other packets, and hold() in the middle of one", "[stream]") {
  publish expected;
  auto bytes = testing::hex("c0 00");
  const auto big = large_publish(100 * 1024, expected);
  bytes.insert(bytes.end(), big.begin(), big.end());
  const auto ping = testing::hex("d0 00");
  bytes.insert(bytes.end(), ping.begin(), ping.end());
  stream_decoder sd(protocol_version::v5);
  sd.feed(byte_view(bytes).first(50'000));
  CHECK(std::holds_alternative<pingreq>(*sd.next().value()));
  CHECK_FALSE(sd.next().value().has_value());
  CHECK(sd.awaited() == big.size());
  buffer rest(bytes.begin() + 50'000, bytes.end());
  sd.feed(rest);
  sd.hold(); // the fed view may go now
  rest.assign(rest.size(), 0);
  CHECK(std::get<publish>(*sd.next().value()) == expected);
  CHECK(std::holds_alternative<pingresp>(*sd.next().value()));
  CHECK_FALSE(sd.next().value().has_value());
}

TEST_CASE("decode_taking gives a PUBLISH's frame to its payload, other packets as decode()",
          "[stream]") {
  publish expected;
  const auto bytes = large_publish(1000, expected);
  std::string frame(bytes.begin(), bytes.end());
  CHECK(std::get<publish>(decode_taking(std::move(frame), protocol_version::v5).value()) ==
        expected);
  CHECK(std::holds_alternative<pingreq>(
      decode_taking(std::string("\xc0\x00", 2), protocol_version::v5).value()));
  CHECK_FALSE(decode_taking(std::string("\x30\x05\x00\x01", 4), protocol_version::v5));
}

TEST_CASE("bytes fed twice without next() while a large PUBLISH gathers stay in order",
          "[stream]") {
  publish expected;
  auto bytes = large_publish(100 * 1024, expected);
  const auto ping = testing::hex("c0 00");
  bytes.insert(bytes.end(), ping.begin(), ping.end());
  stream_decoder sd(protocol_version::v5);
  sd.feed(byte_view(bytes).first(1000));
  CHECK_FALSE(sd.next().value().has_value()); // gathering has started
  const buffer second(bytes.begin() + 1000, bytes.begin() + 50'000);
  const buffer third(bytes.begin() + 50'000, bytes.end());
  sd.feed(second);
  sd.feed(third); // the second view was not drained: it must stay ahead of the third
  CHECK(std::get<publish>(*sd.next().value()) == expected);
  CHECK(std::holds_alternative<pingreq>(*sd.next().value()));
  CHECK_FALSE(sd.next().value().has_value());
}
