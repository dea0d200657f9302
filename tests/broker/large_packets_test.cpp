// SPDX-License-Identifier: MIT
// Large packets within max_receiving_bytes: a client whose large packet does not fit waits
// unread, in order; a packet let in must keep its pace; message_size_limit drops as mosquitto.
#include "harness.hpp"

using namespace mqtk;
using namespace mqtk::testing;

namespace {

constexpr std::size_t MiB = std::size_t{1} << 20;

config budget(std::size_t bytes) {
  auto c = quiet();
  c.lim.max_receiving_bytes = bytes;
  c.log_connections = true;
  return c;
}

// The encoded PUBLISH of `size` payload bytes on topic "t".
buffer big_publish(std::size_t size) {
  buffer b;
  REQUIRE(encode(codec::publish{"t", std::string(size, 'p'), 0, 0, false, false, {}},
                 protocol_version::v5, b));
  return b;
}

bool feed(harness& h, connection_id c, const buffer& b, std::size_t from, std::size_t to) {
  h.core.on_bytes(c, byte_view(b).subspan(from, to - from), h.now);
  return h.core.wants_read(c);
}

} // namespace

TEST_CASE("a large packet that does not fit waits unread until another completes", "[large]") {
  harness h(budget(24 * MiB)); // room for one 10 MiB packet (counted twice), not two
  const auto sub = h.connect("sub");
  h.send(sub, codec::subscribe{1, {{"t", {0}}}, {}});
  const auto a = h.connect("a");
  const auto b = h.connect("b");
  (void)h.received(sub);
  const auto pa = big_publish(10 * MiB), pb = big_publish(10 * MiB);
  CHECK(feed(h, a, pa, 0, 2 * MiB));       // let in: 20 MiB reserved
  CHECK_FALSE(feed(h, b, pb, 0, 2 * MiB)); // would pass 24 MiB: not read any more
  // a keeps its pace (1 MiB per 20 s) for 140 s; b's silence while it waits unread is no
  // keep-alive timeout (60 s, so 90 s allowed).
  for (std::size_t at = 3 * MiB; at < 10 * MiB; at += MiB) {
    for (int k = 0; k < 40; ++k) {
      h.now += std::chrono::milliseconds(500);
      h.core.on_tick(h.now);
    }
    CHECK(feed(h, a, pa, at - MiB, at));
    h.send(sub, codec::pingreq{});
  }
  CHECK(h.core.take_closing().empty());
  CHECK(h.core.take_resumed().empty());
  CHECK(feed(h, a, pa, 9 * MiB, pa.size())); // a completes: its room goes to b
  CHECK(h.core.take_resumed() == std::vector<connection_id>{b});
  CHECK(h.core.wants_read(b));
  (void)feed(h, b, pb, 2 * MiB, pb.size()); // then paused, maybe: sub reads nothing here
  std::size_t published = 0;
  for (const auto& p : h.received(sub))
    if (std::holds_alternative<codec::publish>(p)) ++published;
  CHECK(published == 2);
  CHECK(h.core.check_invariants().empty());
}

TEST_CASE("one large packet is always let in, even over the budget", "[large]") {
  harness h(budget(MiB));
  const auto a = h.connect("a");
  const auto p = big_publish(3 * MiB);
  CHECK(feed(h, a, p, 0, 2 * MiB));
  CHECK(feed(h, a, p, 2 * MiB, p.size()));
  const auto b = h.connect("b"); // and a's room was given back
  CHECK(feed(h, b, p, 0, 2 * MiB));
}

TEST_CASE("a large packet that stops arriving loses its room and its connection", "[large]") {
  harness h(budget(6 * MiB));
  const auto a = h.connect("slow");
  const auto b = h.connect("next");
  const auto p = big_publish(5 * MiB / 2);
  CHECK(feed(h, a, p, 0, 2 * MiB));
  CHECK_FALSE(feed(h, b, p, 0, 2 * MiB));
  (void)h.core.take_log();
  h.now += std::chrono::seconds(31);
  h.core.on_tick(h.now);
  CHECK(h.core.take_closing() == std::vector<connection_id>{a});
  CHECK(h.core.take_resumed() == std::vector<connection_id>{b});
  h.core.on_closed(a, h.now);
  const auto log = h.core.take_log();
  REQUIRE_FALSE(log.empty());
  CHECK_THAT(log.back().text,
             Catch::Contains("client slow disconnected: its packet of 2621449 bytes arrived "
                             "slower than 1 MiB per 30 s"));
}

TEST_CASE("message_size_limit: a larger payload is not delivered, its QoS flow completes",
          "[large]") {
  auto cfg = quiet();
  cfg.lim.message_size_limit = 10;
  harness h(cfg);
  const auto sub = h.connect("sub");
  h.send(sub, codec::subscribe{1, {{"t", {1}}}, {}});
  const auto v5 = h.connect("v5");
  const auto v3 = h.connect("v3", protocol_version::v311);
  (void)h.received(sub);
  (void)h.received(v5);
  (void)h.received(v3, protocol_version::v311);
  h.send(v5, codec::publish{"t", "01234567890", 1, 1, false, false, {}});
  const auto ack5 = h.received(v5);
  REQUIRE(ack5.size() == 1);
  CHECK(std::get<codec::puback>(ack5[0]).code == reason_code::implementation_specific_error);
  h.send(v3, codec::publish{"t", "01234567890", 2, 1, false, false, {}}, protocol_version::v311);
  const auto ack3 = h.received(v3, protocol_version::v311);
  REQUIRE(ack3.size() == 1);
  CHECK(std::get<codec::puback>(ack3[0]).code == reason_code::success);
  CHECK(h.received(sub).empty());
  h.send(v5, codec::publish{"t", "0123456789", 3, 1, false, false, {}}); // at the limit: taken
  CHECK(h.received(sub).size() == 1);
  CHECK(h.core.statistics().publish_dropped == 2);
}

TEST_CASE("CONNACK leaves Maximum Packet Size out for MQTT's own limit, names a smaller one",
          "[large]") {
  harness h(quiet()); // the default: MQTT's own limit, as mosquitto
  const auto a = h.connect("a");
  auto ack = h.received(a);
  REQUIRE(ack.size() == 1);
  CHECK_FALSE(std::get<codec::connack>(ack[0]).props.maximum_packet_size); // paho refuses > 2^28-1
  auto cfg = quiet();
  cfg.lim.max_packet_size = 5000;
  harness small(cfg);
  const auto b = small.connect("b");
  ack = small.received(b);
  REQUIRE(ack.size() == 1);
  CHECK(std::get<codec::connack>(ack[0]).props.maximum_packet_size == 5000u);
}
