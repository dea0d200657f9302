// SPDX-License-Identifier: MIT
// Floods that a byte table cannot express compactly: QoS 2 without PUBREL past Receive Maximum,
// and a slow subscriber that must pause its publisher instead of losing messages.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace mqtk;
using namespace mqtk::testing;

TEST_CASE("a QoS 2 flood without PUBREL ends with DISCONNECT 0x93 [MQTT-3.3.4-9]", "[flood]") {
  harness h(quiet());
  const auto c = h.connect("flooder");
  h.received(c);
  for (std::uint16_t id = 1; id <= 101; ++id)
    h.send(c, publish{"t", "x", id, 2, false, false, {}});
  const auto got = h.received(c);
  REQUIRE(got.size() == 101);
  for (std::size_t i = 0; i < 100; ++i)
    CHECK(std::holds_alternative<pubrec>(got[i]));
  CHECK(std::get<disconnect>(got[100]).code == reason_code::receive_maximum_exceeded);
  CHECK(h.core.take_closing() == std::vector<connection_id>{c});
}

TEST_CASE("a full subscriber queue pauses its publisher, draining resumes it",
          "[flood][backpressure]") {
  auto cfg = quiet();
  cfg.lim.max_inflight = 10;
  cfg.lim.max_queued_messages = 20;
  harness h(cfg);
  const auto sub = h.connect("slow");
  h.received(sub);
  h.send(sub, subscribe{1, {{"t", {1}}}, {}});
  h.received(sub);
  const auto pub = h.connect("fast");
  for (std::uint16_t id = 1; id <= 40; ++id)
    h.send(pub, publish{"t", "x", id, 1, false, false, {}});
  CHECK_FALSE(h.core.wants_read(pub)); // 10 in flight + 20 queued: more would wait
  CHECK(h.core.statistics().publish_dropped == 0);
  // The subscriber acknowledges everything it is sent until all 40 arrived.
  std::size_t delivered = 0;
  for (int round = 0; round < 100 && delivered < 40; ++round) {
    for (const auto& p : h.received(sub)) {
      if (const auto* m = std::get_if<publish>(&p)) {
        ++delivered;
        h.send(sub, puback{m->packet_id, reason_code::success, {}});
      }
    }
  }
  CHECK(delivered == 40);
  CHECK(h.core.wants_read(pub));
  CHECK(h.core.statistics().publish_dropped == 0);
}

TEST_CASE("with --drop-when-full a full queue drops and counts", "[flood][backpressure]") {
  auto cfg = quiet();
  cfg.lim.max_inflight = 10;
  cfg.lim.max_queued_messages = 20;
  cfg.lim.drop_when_full = true;
  harness h(cfg);
  const auto sub = h.connect("slow");
  h.send(sub, subscribe{1, {{"t", {1}}}, {}});
  const auto pub = h.connect("fast");
  for (std::uint16_t id = 1; id <= 40; ++id)
    h.send(pub, publish{"t", "x", id, 1, false, false, {}});
  CHECK(h.core.wants_read(pub));
  CHECK(h.core.statistics().publish_dropped == 10);
}

// Found while moving durable state into the journal: a subscriber that went away kept its
// publishers paused until its session ended, for a 3.1.1 persistent session never.
TEST_CASE("a paused publisher is read again when the subscriber that filled up goes away",
          "[flood][backpressure]") {
  for (const bool persistent : {false, true}) {
    CAPTURE(persistent);
    auto cfg = quiet();
    cfg.lim.max_inflight = 2;
    cfg.lim.max_queued_messages = 4;
    harness h(cfg);
    const auto sub = h.core.on_accept(h.now).value();
    codec::connect p;
    p.version = protocol_version::v311;
    p.client_id = "stuck";
    p.clean_start = !persistent;
    h.send(sub, p, protocol_version::v311);
    h.send(sub, subscribe{1, {{"t", {1}}}, {}}, protocol_version::v311);
    h.received(sub, protocol_version::v311);
    const auto pub = h.connect("fast");
    for (std::uint16_t id = 1; id <= 8; ++id)
      h.send(pub, publish{"t", "x", id, 1, false, false, {}});
    REQUIRE_FALSE(h.core.wants_read(pub)); // 2 in flight, 4 queued, the rest waits
    h.core.take_resumed();
    h.core.on_closed(sub, h.now);
    CHECK(h.core.wants_read(pub));
    CHECK(h.core.take_resumed() == std::vector<connection_id>{pub});
    h.send(pub, pingreq{});
    const auto got = h.received(pub);
    REQUIRE_FALSE(got.empty());
    CHECK(std::holds_alternative<pingresp>(got.back()));
  }
}
