// SPDX-License-Identifier: MIT
// The mutation journal: which changes it records, and that restore() rebuilds a core that behaves
// as the one that wrote the records.
#include <catch2/catch.hpp>

#include <array>
#include <random>
#include <sstream>

#include "harness.hpp"
#include "journal_world.hpp"

using namespace mqtk;
using namespace mqtk::testing;
using namespace std::chrono_literals;

namespace {

template <class R>
std::size_t count(const std::vector<journal_record>& rs) {
  return static_cast<std::size_t>(std::count_if(
      rs.begin(), rs.end(), [](const auto& r) { return std::holds_alternative<R>(r); }));
}

connection_id connect_persistent(harness& h, const std::string& id, std::uint32_t expiry) {
  const auto c = h.core.on_accept(h.now).value();
  codec::connect p;
  p.client_id = id;
  p.clean_start = false;
  p.props.session_expiry_interval = expiry;
  h.send(c, p);
  return c;
}

} // namespace

TEST_CASE("a clean session writes nothing, a durable one writes what it holds", "[journal]") {
  harness h(journaled());
  const auto clean = h.connect("clean");
  h.send(clean, subscribe{1, {{"t", {1}}}, {}});
  h.send(clean, publish{"t", "x", 1, 1, false, false, {}});
  h.received(clean);
  CHECK(h.core.take_journal().empty());

  const auto durable = connect_persistent(h, "durable", 60);
  h.send(durable, subscribe{1, {{"t", {1}}}, {}});
  h.received(durable);
  h.send(clean, publish{"t", "y", 2, 1, false, false, {}});
  const auto rs = h.core.take_journal();
  REQUIRE(rs.size() == 5); // no tick yet: the totals are not due
  CHECK(std::get<journal::session_stored>(rs[0]).expiry == 60);
  CHECK(std::get<journal::subscription_added>(rs[1]).filter == "t");
  const auto& body = std::get<journal::message_stored>(rs[2]);
  CHECK(body.message->payload == "y");
  CHECK(std::get<journal::message_queued>(rs[3]).id == body.id);
  CHECK(std::get<journal::message_sent>(rs[4]).packet_id == 1);

  h.send(durable, puback{1, reason_code::success, {}});
  h.core.on_closed(durable, h.now);
  const auto after = h.core.take_journal();
  REQUIRE(after.size() == 2);
  CHECK(std::get<journal::message_acked>(after[0]).packet_id == 1);
  CHECK(std::get<journal::session_closed>(after[1]).expires_at == wall_time(60s));
}

TEST_CASE("the $SYS totals ride with a batch once a second or go alone every 10 s, and a "
          "restored core counts on from them",
          "[journal]") {
  harness a(journaled());
  const auto clean = a.connect("clean");
  a.send(clean, subscribe{1, {{"t", {0}}}, {}});
  a.core.on_tick(a.now); // the first tick makes the totals due
  for (int i = 0; i < 3; ++i)
    a.send(clean, publish{"t", "x", 0, 0, false, false, {}});
  auto rs = a.core.take_journal(); // due: said alone, once
  REQUIRE(rs.size() == 1);
  CHECK(std::get<journal::counters>(rs[0]).totals->messages_received == 3);
  // Clean traffic alone never makes a batch between the 10 s marks: it would hold output back.
  a.send(clean, publish{"t", "x", 0, 0, false, false, {}});
  a.now += 9s;
  a.core.on_tick(a.now);
  CHECK(a.core.take_journal().empty());
  a.now += 1s;
  a.core.on_tick(a.now);
  rs = a.core.take_journal();
  REQUIRE(rs.size() == 1);
  const auto saved = *std::get<journal::counters>(rs[0]).totals;
  CHECK(saved.messages_received == 4);
  CHECK(saved.messages_sent == 4);
  // A durable change a second later takes the totals along; within the second it does not.
  a.now += 1s;
  a.core.on_tick(a.now);
  const auto durable = connect_persistent(a, "durable", 60);
  auto ride = a.core.take_journal();
  REQUIRE(ride.size() == 2);
  CHECK(std::holds_alternative<journal::session_stored>(ride[0]));
  CHECK(std::get<journal::counters>(ride[1]).totals->connections_total == 2);
  a.send(durable, subscribe{1, {{"u", {1}}}, {}});
  CHECK(a.core.take_journal().size() == 1); // the subscription alone
  a.now += 10s;
  a.core.on_tick(a.now);
  CHECK(a.core.take_journal().size() == 1); // due: the SUBSCRIBE's bytes changed them
  a.now += 10s;
  a.core.on_tick(a.now);
  CHECK(a.core.take_journal().empty()); // due, but nothing changed
  rs.push_back(ride[0]);
  rs.push_back(ride[1]);

  harness b(journaled());
  b.core.restore(rs, b.now);
  CHECK(b.core.statistics().messages_received == 4);
  CHECK(b.core.statistics().connections_total == 2);
  CHECK(b.core.take_journal().empty()); // what it restored is already stored
  const auto c = b.connect("again");
  b.send(c, publish{"t", "x", 0, 0, false, false, {}});
  CHECK(b.core.statistics().messages_received == 5);
}

TEST_CASE("a fan-out stores its body once, retained messages keep their expiry", "[journal]") {
  harness h(journaled());
  for (const auto* id : {"a", "b", "c"}) {
    const auto c = connect_persistent(h, id, 0xFFFFFFFF);
    h.send(c, subscribe{1, {{"t/#", {2}}}, {}});
    h.core.on_closed(c, h.now);
  }
  h.core.take_journal();
  publish m{"t/x", "hello", 0, 1, true, false, {}};
  m.props.message_expiry_interval = 30;
  REQUIRE(h.core.publish(m, 0, h.now));
  const auto rs = h.core.take_journal();
  CHECK(count<journal::message_stored>(rs) == 1);
  // One record for the three sessions: they get the message alike.
  CHECK(count<journal::message_queued>(rs) == 0);
  REQUIRE(count<journal::message_fanout>(rs) == 1);
  const journal::message_fanout* first = nullptr;
  for (const auto& r : rs)
    if (const auto* f = std::get_if<journal::message_fanout>(&r))
      CHECK(*(first = f)->clients == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(count<journal::retained_set>(rs) == 1);
  for (const auto& r : rs)
    if (const auto* set = std::get_if<journal::retained_set>(&r))
      CHECK(set->expires_at == wall_time(30s));

  // The next message to the same sessions shares the list; one to fewer gets its own, and the
  // one after that shares the new one.
  m.props.message_expiry_interval.reset();
  REQUIRE(h.core.publish(m, 0, h.now));
  const auto again = h.core.take_journal();
  const auto fanouts = [](const std::vector<journal_record>& records) {
    std::vector<const journal::message_fanout*> out;
    for (const auto& r : records)
      if (const auto* f = std::get_if<journal::message_fanout>(&r)) out.push_back(f);
    return out;
  };
  REQUIRE(fanouts(again).size() == 1);
  CHECK(fanouts(again)[0]->clients == first->clients);
  const auto b = connect_persistent(h, "b", 0xFFFFFFFF); // resumes b, which unsubscribes
  h.send(b, unsubscribe{2, {"t/#"}, {}});
  h.core.on_closed(b, h.now);
  h.core.take_journal();
  REQUIRE(h.core.publish(m, 0, h.now));
  REQUIRE(h.core.publish(m, 0, h.now));
  const auto fewer = h.core.take_journal();
  REQUIRE(fanouts(fewer).size() == 2);
  CHECK(*fanouts(fewer)[0]->clients == std::vector<std::string>{"a", "c"});
  CHECK(fanouts(fewer)[0]->clients == fanouts(fewer)[1]->clients);
}

TEST_CASE("restore() brings back sessions, queues, in-flight states and retained messages",
          "[journal]") {
  harness a(journaled());
  std::vector<journal_record> all;
  const auto sub = connect_persistent(a, "sub", 0xFFFFFFFF);
  a.send(sub, subscribe{1, {{"t", {2}}}, {}});
  a.received(sub);
  const auto pub = a.connect("pub");
  a.send(pub, publish{"t", "one", 1, 2, false, false, {}});
  a.send(pub, publish{"t", "two", 2, 1, true, false, {}});
  a.send(sub, pubrec{1, reason_code::success, {}}); // "one" now awaits PUBCOMP
  a.core.on_closed(sub, a.now);
  a.send(pub, publish{"t", "three", 3, 1, false, false, {}}); // queued while offline
  all = a.core.take_journal();

  harness b(journaled());
  b.now = a.now + 5s;
  b.core.restore(all, b.now);
  CHECK(b.core.session_count() == 1);
  CHECK(b.core.take_journal().empty()); // what it restored is already stored
  const auto again = connect_persistent(b, "sub", 0xFFFFFFFF);
  const auto got = b.received(again);
  REQUIRE(got.size() == 4);
  CHECK(std::get<connack>(got[0]).session_present);
  CHECK(std::get<pubrel>(got[1]).packet_id == 1); // PUBREC'd: PUBREL again [MQTT-4.4.0-1]
  const auto& two = std::get<publish>(got[2]);
  CHECK((two.packet_id == 2 && two.dup && two.payload == "two"));
  const auto& three = std::get<publish>(got[3]);
  CHECK((three.packet_id == 3 && !three.dup && three.payload == "three"));

  const auto late = b.connect("late");
  b.send(late, subscribe{1, {{"t", {0}}}, {}});
  const auto retained = b.received(late);
  REQUIRE(retained.size() == 3);
  CHECK(std::get<publish>(retained[2]).payload == "two");
}

TEST_CASE("restore() keeps a delayed will and the packet id cycle past a dropped message",
          "[journal]") {
  harness a(journaled());
  const auto watch = connect_persistent(a, "watch", 0xFFFFFFFF);
  a.send(watch, subscribe{1, {{"w", {1}}}, {}});
  a.received(watch);
  codec::connect p;
  p.client_id = "dying";
  p.clean_start = false;
  p.props.session_expiry_interval = 60;
  p.will = codec::will_message{};
  p.will->topic = "w";
  p.will->payload = "gone";
  p.will->qos = 1;
  p.will->props.will_delay_interval = 5;
  const auto dying = a.core.on_accept(a.now).value();
  a.send(dying, p);
  a.core.on_closed(dying, a.now); // the will waits 5 s
  publish short_lived{"w", "stale", 1, 1, false, false, {}};
  short_lived.props.message_expiry_interval = 1;
  a.core.on_closed(watch, a.now);
  const auto pub = a.connect("pub");
  a.send(pub, short_lived); // queued for the offline session
  a.now += 2s;
  const auto back = connect_persistent(a, "watch", 0xFFFFFFFF); // "stale" expired: dropped
  a.received(back);
  a.core.on_closed(back, a.now);

  harness b(journaled());
  b.now = a.now;
  b.core.restore(a.core.take_journal(), b.now);
  b.now += 4s;
  b.core.on_tick(b.now);
  const auto again = connect_persistent(b, "watch", 0xFFFFFFFF);
  const auto got = b.received(again);
  REQUIRE(got.size() == 2);
  const auto& will = std::get<publish>(got[1]);
  CHECK(will.payload == "gone");
  CHECK(will.packet_id == 2); // id 1 went to "stale", which expired before it could be sent
}

// The seam's promise: a core rebuilt from the journal alone, after every connection ended as in
// a crash, answers the next 1,000 operations byte for byte as the core that wrote it.
TEST_CASE("restore(journal) behaves as the original on the next 1,000 operations", "[journal]") {
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    std::mt19937 rng(seed);
    world a;
    run_history(a, rng, 400);
    world b;
    b.now = a.now;
    b.core.restore(a.records, b.now);
    b.take_clients(a);
    require_same(a, b, rng, 1000);
  }
}
