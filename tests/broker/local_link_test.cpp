// SPDX-License-Identifier: MIT
// Local links of broker_core: in-process clients that publish with an origin and receive events.
#include "harness.hpp"

using namespace mqtk;
using namespace mqtk::testing;
using namespace std::chrono_literals;

namespace {

struct recording_link final : local_link {
  std::vector<session::outbound_message> got;
  void on_message(const session::outbound_message& m) override { got.push_back(m); }
};

} // namespace

TEST_CASE("a link receives what matches its subscriptions, once, at the highest QoS "
          "[MQTT-3.3.4-2]",
          "[link]") {
  harness h(quiet());
  auto rec = std::make_shared<recording_link>();
  const auto link = h.core.attach_link("bridge", rec);
  REQUIRE(h.core.subscribe_link(link, "a/#", {0}));
  REQUIRE(h.core.subscribe_link(link, "a/b", {1}, 7));
  const auto pub = h.connect("pub");
  h.send(pub, publish{"a/b", "x", 1, 2, false, false, {}});
  h.send(pub, publish{"c", "y", 0, 0, false, false, {}});
  REQUIRE(rec->got.size() == 1);
  CHECK(rec->got[0].message->payload == "x");
  CHECK(rec->got[0].qos == 1);
  CHECK(rec->got[0].sub_ids == std::vector<std::uint32_t>{7});
  CHECK(h.core.session_count() == 1); // a link is no client session
}

TEST_CASE("a link publishes into the broker, No Local keeps its own messages from it", "[link]") {
  harness h(quiet());
  auto rec = std::make_shared<recording_link>();
  const auto link = h.core.attach_link("bridge", rec);
  codec::subscribe_options no_local{1};
  no_local.no_local = true;
  REQUIRE(h.core.subscribe_link(link, "t", no_local));
  const auto sub = h.connect("sub");
  h.received(sub);
  h.send(sub, subscribe{1, {{"t", {1}}}, {}});
  h.received(sub);
  REQUIRE(h.core.publish(publish{"t", "from link", 0, 1, true, false, {}}, link, h.now));
  const auto got = h.received(sub);
  REQUIRE(got.size() == 1);
  CHECK(std::get<publish>(got[0]).payload == "from link");
  CHECK(rec->got.empty()); // [MQTT-3.8.3-3]
  // The broker itself as origin (0): the link receives it.
  REQUIRE(h.core.publish(publish{"t", "from broker", 0, 0, false, false, {}}, 0, h.now));
  REQUIRE(rec->got.size() == 1);
  CHECK_FALSE(h.core.publish(publish{"t/#", "", 0, 0, false, false, {}}, 0, h.now));
}

TEST_CASE("a link gets retained messages as its Retain Handling says [MQTT-3.3.1-9]", "[link]") {
  harness h(quiet());
  REQUIRE(h.core.publish(publish{"r", "kept", 0, 0, true, false, {}}, 0, h.now));
  auto rec = std::make_shared<recording_link>();
  const auto link = h.core.attach_link("bridge", rec);
  codec::subscribe_options never{0};
  never.retain_handling = 2;
  REQUIRE(h.core.subscribe_link(link, "r", never));
  CHECK(rec->got.empty());
  REQUIRE(h.core.subscribe_link(link, "#", {0}));
  REQUIRE(rec->got.size() == 1);
  CHECK(rec->got[0].retain);
}

TEST_CASE("wills reach links, a detached link gets nothing, clients cannot take its name",
          "[link]") {
  harness h(quiet());
  auto rec = std::make_shared<recording_link>();
  const auto link = h.core.attach_link("bridge", rec);
  REQUIRE(h.core.subscribe_link(link, "will/#", {1}));
  const auto c = h.core.on_accept(h.now).value();
  codec::connect p;
  p.client_id = "dying";
  p.will = codec::will_message{"will/dying", "gone", 1, false, {}};
  h.send(c, p);
  h.core.on_closed(c, h.now); // no DISCONNECT: the will goes out [MQTT-3.1.2-8]
  REQUIRE(rec->got.size() == 1);
  CHECK(rec->got[0].message->payload == "gone");

  const auto thief = h.connect("bridge");
  CHECK(std::get<connack>(h.received(thief).at(0)).code ==
        reason_code::client_identifier_not_valid);

  h.core.detach_link(link);
  const auto pub = h.connect("pub");
  h.send(pub, publish{"will/x", "late", 0, 0, false, false, {}});
  CHECK(rec->got.size() == 1);
  CHECK(h.core.check_invariants().empty());
}

TEST_CASE("a 3.1.1 bridge (try_private) gets no echo of its own messages, retain as published",
          "[link][bridge]") {
  harness h(quiet());
  const auto v3 = protocol_version::v311;
  const auto bridge = h.core.on_accept(h.now).value();
  codec::connect p;
  p.version = v3;
  p.client_id = "peer";
  p.bridge = true;
  h.send(bridge, p, v3);
  const auto plain = h.connect("plain", v3);
  REQUIRE(h.received(bridge, v3).size() == 1); // CONNACK
  REQUIRE(h.received(plain, v3).size() == 1);
  for (const auto c : {bridge, plain})
    h.send(c, subscribe{1, {{"t/#", {1}}}, {}}, v3);
  REQUIRE(h.received(bridge, v3).size() == 1); // SUBACK
  REQUIRE(h.received(plain, v3).size() == 1);
  h.send(bridge, publish{"t/1", "from the bridge", 0, 0, true, false, {}}, v3);
  CHECK(h.received(bridge, v3).empty()); // not sent back where it came from
  auto got = h.received(plain, v3);
  REQUIRE(got.size() == 1);
  CHECK_FALSE(std::get<publish>(got[0]).retain); // a plain 3.1.1 subscriber: live, not retained
  h.send(plain, publish{"t/2", "from a client", 0, 0, true, false, {}}, v3);
  got = h.received(bridge, v3);
  REQUIRE(got.size() == 1);
  CHECK(std::get<publish>(got[0]).retain); // the bridge keeps the flag, to retain it upstream
  got = h.received(plain, v3);
  REQUIRE(got.size() == 1); // a client that is no bridge hears itself, as 3.1.1 has it
}

namespace {
std::vector<std::string> payloads(const std::vector<session::outbound_message>& got) {
  std::vector<std::string> out;
  for (const auto& m : got)
    out.push_back(m.message->payload + "#" + std::to_string(m.packet_id));
  return out;
}
} // namespace

TEST_CASE("an acknowledged link holds QoS 1/2 in a window until link_acknowledged", "[link]") {
  harness h(quiet());
  auto rec = std::make_shared<recording_link>();
  const auto link = h.core.attach_link("bridge", rec, {true, 2}, h.now);
  REQUIRE(h.core.subscribe_link(link, "t", {2}));
  const auto pub = h.connect("pub");
  h.received(pub);
  h.send(pub, publish{"t", "a", 1, 1, false, false, {}});
  h.send(pub, publish{"t", "b", 2, 2, false, false, {}});
  h.send(pub, publish{"t", "c", 3, 1, false, false, {}});    // waits: the window holds two
  h.send(pub, publish{"t", "zero", 0, 0, false, false, {}}); // QoS 0 needs no room
  CHECK(payloads(rec->got) == std::vector<std::string>{"a#1", "b#2", "zero#0"});
  h.core.link_acknowledged(link, 2, h.now); // QoS 2 done in one step
  CHECK(payloads(rec->got).back() == "c#3");
  h.core.link_acknowledged(link, 99, h.now); // unknown: nothing
  rec->got.clear();
  h.core.resume_link(link, h.now); // the link lost a and c: both again, in order, same ids
  CHECK(payloads(rec->got) == std::vector<std::string>{"a#1", "c#3"});
  CHECK(h.core.check_invariants().empty());
  h.core.detach_link(link);
  CHECK(h.core.check_invariants().empty()); // what it held is accounted as ended
}

TEST_CASE("a restart gives an acknowledged link what it had not acknowledged", "[link][journal]") {
  auto cfg = quiet();
  cfg.journal = true;
  harness a(cfg);
  auto rec = std::make_shared<recording_link>();
  const auto link = a.core.attach_link("bridge", rec, {true, 2}, a.now);
  REQUIRE(a.core.subscribe_link(link, "t", {1}));
  const auto pub = a.connect("pub");
  a.received(pub);
  for (std::uint16_t i = 1; i <= 4; ++i)
    a.send(pub, publish{"t", "m" + std::to_string(i), i, 1, false, false, {}});
  a.core.link_acknowledged(link, 1, a.now); // m1 reached the other broker
  const auto journal = a.core.take_journal();

  harness b(cfg);
  b.core.restore(journal, b.now);
  auto again = std::make_shared<recording_link>();
  const auto link2 = b.core.attach_link("bridge", again, {true, 2}, b.now);
  // In flight (m2, m3) again with their ids, then the queue as the window allows.
  CHECK(payloads(again->got) == std::vector<std::string>{"m2#2", "m3#3"});
  b.core.link_acknowledged(link2, 2, b.now);
  CHECK(payloads(again->got).back() == "m4#4");
  const auto pub2 = b.connect("pub2"); // its subscription came back too
  b.received(pub2);
  b.send(pub2, publish{"t", "m5", 1, 1, false, false, {}});
  b.core.link_acknowledged(link2, 3, b.now);
  CHECK(payloads(again->got).back() == "m5#5");
  CHECK(b.core.session_count() == 1); // pub2 alone: the link took its session over
  CHECK(b.core.check_invariants().empty());
}
