// SPDX-License-Identifier: MIT
// max_queued_bytes_total: the payload of QoS 1/2 messages queued across sessions is capped;
// past it the publisher is held back (the message still queued), held publishers go on in the
// order they were held once the total is under 90%, and a message for an offline subscriber is
// dropped instead. The total always equals what the queues hold (check_invariants).
#include <catch2/catch.hpp>

#include <algorithm>

#include "harness.hpp"

using namespace mqtk;
using namespace mqtk::testing;

namespace {

const std::string kilobytes_10(10'000, 'x');

config budgeted() {
  auto c = quiet();
  c.lim.max_inflight = 1; // all but one message per subscriber wait in the queue
  c.lim.max_queued_bytes_total = 100'000;
  return c;
}

void tick(harness& h) {
  h.now += broker_core::tick_interval;
  h.core.on_tick(h.now);
}

// Publishes 10 KB QoS 1 messages from `pub` while it may be read; how many went in.
int publish_while_read(harness& h, connection_id pub, std::uint16_t& id, int at_most) {
  int n = 0;
  while (n < at_most && h.core.wants_read(pub)) {
    h.send(pub, publish{"b/1", kilobytes_10, id++, 1, false, false, {}});
    ++n;
  }
  return n;
}

} // namespace

TEST_CASE("past max_queued_bytes_total the publisher is held, and goes on under 90%", "[budget]") {
  harness h(budgeted());
  const auto a = h.connect("a");
  h.send(a, subscribe{1, {{"b/#", {1}}}, {}});
  const auto b = h.connect("b");
  h.send(b, subscribe{1, {{"b/#", {1}}}, {}});
  const auto pub = h.connect("pub");
  h.received(pub);
  std::uint16_t id = 1;
  // Two queues of 10 KB messages: the 100 KB budget is passed at the sixth message or so.
  const int sent = publish_while_read(h, pub, id, 50);
  CHECK(sent < 10);
  CHECK_FALSE(h.core.wants_read(pub));
  CHECK(h.core.check_invariants().empty());
  const auto log = h.core.take_log();
  CHECK(std::any_of(log.begin(), log.end(), [](const broker::log_entry& l) {
    return l.text.find("max_queued_bytes_total") != std::string::npos;
  }));
  tick(h);
  CHECK_FALSE(h.core.wants_read(pub)); // still over: held
  h.core.on_closed(b, h.now);          // b's queue goes with its clean session
  CHECK(h.core.check_invariants().empty());
  tick(h);
  CHECK(h.core.wants_read(pub));
  const auto resumed = h.core.take_resumed();
  CHECK(std::count(resumed.begin(), resumed.end(), pub) == 1);
  const auto& st = h.core.statistics(); // held, never dropped (b's queue ended with it)
  CHECK(st.dropped[static_cast<std::size_t>(drop_reason::budget_full)] == 0);
  CHECK(st.dropped[static_cast<std::size_t>(drop_reason::queue_full)] == 0);
}

TEST_CASE("held publishers go on in the order they were held", "[budget]") {
  harness h(budgeted());
  const auto a = h.connect("a");
  h.send(a, subscribe{1, {{"b/#", {1}}}, {}});
  const auto first = h.connect("first");
  const auto second = h.connect("second");
  std::uint16_t id = 1;
  publish_while_read(h, first, id, 50);
  publish_while_read(h, second, id, 50);
  REQUIRE_FALSE(h.core.wants_read(first));
  REQUIRE_FALSE(h.core.wants_read(second));
  h.core.take_resumed();
  h.core.on_closed(a, h.now);
  tick(h);
  CHECK(h.core.take_resumed() == std::vector<connection_id>{first, second});
  CHECK(h.core.check_invariants().empty());
}

TEST_CASE("past max_queued_bytes_total a message for an offline session is dropped", "[budget]") {
  harness h(budgeted());
  const auto c = h.core.on_accept(h.now).value();
  codec::connect p;
  p.client_id = "away";
  p.clean_start = false;
  p.props.session_expiry_interval = 3600;
  h.send(c, p);
  h.send(c, subscribe{1, {{"b/#", {1}}}, {}});
  h.core.on_closed(c, h.now); // offline, its session queues
  const auto pub = h.connect("pub");
  std::uint16_t id = 1;
  for (int i = 0; i < 20; ++i)
    h.send(pub, publish{"b/1", kilobytes_10, id++, 1, false, false, {}});
  CHECK(h.core.wants_read(pub)); // an offline session holds no one back
  const auto& st = h.core.statistics();
  CHECK(st.dropped[static_cast<std::size_t>(drop_reason::budget_full)] == 10);
  CHECK(h.core.check_invariants().empty());
}
