// SPDX-License-Identifier: MIT
// Slow consumers: a subscriber that takes nothing stops holding its publishers back after
// slow_consumer_timeout; one that keeps draining still slows them down without loss.
#include <catch2/catch.hpp>

#include <algorithm>

#include "harness.hpp"

using namespace mqtk;
using namespace mqtk::testing;

namespace {

// Reads every connection's output except the stuck ones', whose sockets accept nothing.
std::vector<packet> take_all_but(harness& h, connection_id c,
                                 const std::vector<connection_id>& stuck) {
  for (const auto id : h.core.take_ready()) {
    if (std::find(stuck.begin(), stuck.end(), id) != stuck.end()) continue;
    output o;
    h.core.take_output(id, o);
    const buffer b = o.flatten();
    h.inbox[id].insert(h.inbox[id].end(), b.begin(), b.end());
  }
  std::vector<packet> out;
  stream_decoder d(protocol_version::v5);
  d.feed(h.inbox[c]);
  while (auto p = d.next().value())
    out.push_back(*p);
  h.inbox[c].clear();
  return out;
}

void tick_for(harness& h, session::duration d) {
  for (auto end = h.now + d; h.now < end;) {
    h.now += broker_core::tick_interval;
    h.core.on_tick(h.now);
  }
}

bool logged(harness& h, const std::string& part) {
  const auto log = h.core.take_log();
  return std::any_of(log.begin(), log.end(), [&](const broker::log_entry& l) {
    return l.text.find(part) != std::string::npos;
  });
}

const std::string kilobytes_10(10'240, 'x');

} // namespace

TEST_CASE("a QoS 0 subscriber that reads nothing stops pausing its publisher after the timeout",
          "[slow]") {
  harness h(quiet());
  const auto stuck = h.connect("stuck");
  h.send(stuck, subscribe{1, {{"bp/#", {0}}}, {}});
  const auto healthy = h.connect("healthy");
  h.send(healthy, subscribe{1, {{"bp/#", {0}}}, {}});
  const auto pub = h.connect("pub");
  take_all_but(h, pub, {});
  std::size_t sent = 0;
  while (h.core.wants_read(pub) && sent < 1000) {
    h.send(pub, publish{"bp/1", kilobytes_10, 0, 0, false, false, {}});
    ++sent;
    take_all_but(h, pub, {stuck});
  }
  REQUIRE_FALSE(h.core.wants_read(pub)); // held back: the stuck one's output is over 1 MiB
  h.core.take_resumed();
  tick_for(h, std::chrono::milliseconds(500));
  CHECK_FALSE(h.core.wants_read(pub));
  tick_for(h, std::chrono::milliseconds(1000));
  CHECK(h.core.wants_read(pub));
  CHECK(h.core.take_resumed() == std::vector<connection_id>{pub});
  CHECK(h.core.statistics().slow_consumer_events == 1);
  CHECK(logged(h, "client stuck is a slow consumer: it took nothing for 1 s"));
  // From now on the healthy subscriber gets everything, the stuck one's overflow is dropped.
  std::size_t got = 0;
  for (const auto& p : take_all_but(h, healthy, {stuck}))
    got += std::holds_alternative<publish>(p);
  for (int i = 0; i < 200; ++i) {
    h.send(pub, publish{"bp/1", kilobytes_10, 0, 0, false, false, {}});
    REQUIRE(h.core.wants_read(pub));
    for (const auto& p : take_all_but(h, healthy, {stuck}))
      got += std::holds_alternative<publish>(p);
  }
  CHECK(got >= 200);
  const auto& st = h.core.statistics();
  CHECK(st.dropped[static_cast<std::size_t>(drop_reason::slow_consumer)] == 200);
  h.core.on_closed(stuck, h.now);
  CHECK(logged(h, "client stuck is gone as a slow consumer; 200 messages were dropped for it"));
}

TEST_CASE("a QoS 1 subscriber that acknowledges nothing, PINGREQs or not, becomes slow, and three "
          "healthy ones lose nothing",
          "[slow]") {
  auto cfg = quiet();
  cfg.lim.max_inflight = 5;
  cfg.lim.max_queued_messages = 10;
  harness h(cfg);
  const auto stuck = h.connect("stuck");
  h.send(stuck, subscribe{1, {{"q/#", {1}}}, {}});
  std::vector<connection_id> healthy;
  for (const char* id : {"h1", "h2", "h3"}) {
    healthy.push_back(h.connect(id));
    h.send(healthy.back(), subscribe{1, {{"q/#", {1}}}, {}});
  }
  const auto pub = h.connect("pub");
  std::map<connection_id, std::size_t> got;
  const auto serve = [&] {
    for (const auto c : healthy)
      for (const auto& p : take_all_but(h, c, {}))
        if (const auto* m = std::get_if<publish>(&p)) {
          ++got[c];
          h.send(c, puback{m->packet_id, reason_code::success, {}});
        }
    take_all_but(h, stuck, {}); // its socket takes bytes, it acknowledges nothing
    take_all_but(h, pub, {});
  };
  std::uint16_t id = 1;
  for (; id <= 40 && h.core.wants_read(pub); ++id) {
    h.send(pub, publish{"q/1", "m", id, 1, false, false, {}});
    serve();
  }
  REQUIRE_FALSE(h.core.wants_read(pub)); // 5 in flight + 10 queued for the stuck one
  for (int i = 0; i < 4; ++i) {          // PINGREQs are no progress
    h.send(stuck, pingreq{});
    serve();
    tick_for(h, std::chrono::milliseconds(500));
  }
  REQUIRE(h.core.wants_read(pub));
  CHECK(h.core.statistics().slow_consumer_events == 1);
  const std::uint16_t total = 100;
  for (; id <= total; ++id) {
    h.send(pub, publish{"q/1", "m", id, 1, false, false, {}});
    REQUIRE(h.core.wants_read(pub));
    serve();
  }
  for (const auto c : healthy)
    CHECK(got[c] == total);
  CHECK(h.core.statistics().dropped[static_cast<std::size_t>(drop_reason::slow_consumer)] > 0);
  CHECK(h.core.check_invariants().empty());
}

TEST_CASE("a subscriber that keeps acknowledging slows its publisher down and loses nothing",
          "[slow]") {
  auto cfg = quiet();
  cfg.lim.max_inflight = 2;
  cfg.lim.max_queued_messages = 4;
  harness h(cfg);
  const auto sub = h.connect("slowish");
  h.send(sub, subscribe{1, {{"t", {1}}}, {}});
  const auto pub = h.connect("pub");
  std::size_t got = 0;
  std::uint16_t id = 1;
  for (int round = 0; round < 200 && got < 50; ++round) {
    while (id <= 50 && h.core.wants_read(pub))
      h.send(pub, publish{"t", "m", id++, 1, false, false, {}});
    take_all_but(h, pub, {});
    tick_for(h, std::chrono::milliseconds(500)); // one acknowledgement per tick: slow, not stuck
    for (const auto& p : h.received(sub))
      if (const auto* m = std::get_if<publish>(&p)) {
        ++got;
        h.send(sub, puback{m->packet_id, reason_code::success, {}});
      }
  }
  CHECK(got == 50);
  CHECK(h.core.statistics().publish_dropped == 0);
  CHECK(h.core.statistics().slow_consumer_events == 0);
}

TEST_CASE("a paused publisher is not cut for keep-alive: its silence is the broker's doing",
          "[slow]") {
  auto cfg = quiet();
  cfg.lim.max_inflight = 1;
  cfg.lim.max_queued_messages = 1;
  cfg.lim.slow_consumer_timeout = session::duration::zero(); // hold it back for good
  harness h(cfg);
  const auto sub = h.connect("stuck");
  h.send(sub, subscribe{1, {{"t", {1}}}, {}});
  const auto pub = h.core.on_accept(h.now).value();
  codec::connect p;
  p.client_id = "pub";
  p.keep_alive = 2;
  h.send(pub, p);
  for (std::uint16_t id = 1; id <= 4; ++id)
    h.send(pub, publish{"t", "m", id, 1, false, false, {}});
  REQUIRE_FALSE(h.core.wants_read(pub));
  tick_for(h, std::chrono::seconds(10));
  const auto closing = h.core.take_closing();
  CHECK(std::find(closing.begin(), closing.end(), pub) == closing.end());
}

TEST_CASE("slow_consumer_disconnect ends a slow consumer with 0x97", "[slow]") {
  auto cfg = quiet();
  cfg.lim.max_inflight = 1;
  cfg.lim.max_queued_messages = 1;
  cfg.lim.slow_consumer_disconnect = true;
  harness h(cfg);
  const auto sub = h.connect("stuck");
  h.send(sub, subscribe{1, {{"t", {1}}}, {}});
  const auto pub = h.connect("pub");
  for (std::uint16_t id = 1; id <= 4; ++id)
    h.send(pub, publish{"t", "m", id, 1, false, false, {}});
  tick_for(h, std::chrono::milliseconds(1500));
  CHECK(h.core.take_closing() == std::vector<connection_id>{sub});
  const auto got = h.received(sub);
  REQUIRE_FALSE(got.empty());
  CHECK(std::get<disconnect>(got.back()).code == reason_code::quota_exceeded);
  CHECK(h.core.wants_read(pub));
}

TEST_CASE("drop_when_full keeps QoS 0 for a busy socket up to max_queued_bytes", "[slow]") {
  auto cfg = quiet();
  cfg.lim.drop_when_full = true;
  cfg.lim.max_queued_bytes = 4 * 1024 * 1024;
  harness h(cfg);
  const auto sub = h.connect("busy");
  h.send(sub, subscribe{1, {{"t", {0}}}, {}});
  const auto pub = h.connect("pub");
  for (int i = 0; i < 300; ++i) // 3 MiB while the socket takes nothing: more than 1 MiB
    h.send(pub, publish{"t", kilobytes_10, 0, 0, false, false, {}});
  CHECK(h.core.statistics().publish_dropped == 0);
  CHECK(h.core.wants_read(pub));
  for (int i = 0; i < 200; ++i)
    h.send(pub, publish{"t", kilobytes_10, 0, 0, false, false, {}});
  CHECK(h.core.statistics().dropped[static_cast<std::size_t>(drop_reason::queue_full)] > 0);
}
