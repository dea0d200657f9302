// SPDX-License-Identifier: MIT
// broker_core features checked through decoded packets: keep-alive ceiling, retained message
// expiry, and the log of drops and client events.
#include "harness.hpp"

#include <map>

using namespace mqtk;
using namespace mqtk::testing;
using namespace std::chrono_literals;

TEST_CASE("a keep-alive over the ceiling is replaced by Server Keep Alive [MQTT-3.2.2-21]",
          "[keepalive]") {
  auto cfg = quiet();
  cfg.lim.max_keep_alive = 30;
  harness h(cfg);
  const auto c = h.core.on_accept(h.now).value();
  codec::connect p;
  p.client_id = "k";
  p.keep_alive = 0; // asks for no keep-alive at all
  h.send(c, p);
  const auto got = h.received(c);
  REQUIRE(got.size() == 1);
  CHECK(std::get<connack>(got[0]).props.server_keep_alive == 30);
  h.now += 44s;
  h.core.on_tick(h.now);
  CHECK(h.core.take_closing().empty());
  h.now += 1s; // 45 s: one and a half periods of 30 s
  h.core.on_tick(h.now);
  CHECK(h.core.take_closing() == std::vector<connection_id>{c});
}

TEST_CASE("a retained message expires, before that it carries the remaining interval "
          "[MQTT-3.3.2-5] [MQTT-3.3.2-6]",
          "[retained]") {
  harness h(quiet());
  const auto pub = h.connect("p");
  publish m{"r", "x", 0, 0, true, false, {}};
  m.props.message_expiry_interval = 10;
  h.send(pub, m);
  h.now += 4s;
  const auto early = h.connect("early");
  h.received(early);
  h.send(early, subscribe{1, {{"r", {0}}}, {}});
  const auto got = h.received(early);
  REQUIRE(got.size() == 2);
  CHECK(std::get<publish>(got[1]).props.message_expiry_interval == 6);
  h.now += 7s;
  const auto late = h.connect("late");
  h.received(late);
  h.send(late, subscribe{1, {{"r", {0}}}, {}});
  CHECK(h.received(late).size() == 1); // the SUBACK only
}

TEST_CASE("drops are logged once per tick with their reason, client events when asked", "[log]") {
  auto cfg = quiet();
  cfg.lim.max_inflight = 1;
  cfg.lim.max_queued_messages = 1;
  cfg.lim.drop_when_full = true;
  cfg.log_connections = true;
  harness h(cfg);
  const auto sub = h.connect("slow");
  h.send(sub, subscribe{1, {{"t", {1}}}, {}});
  const auto pub = h.connect("fast");
  for (std::uint16_t id = 1; id <= 5; ++id)
    h.send(pub, publish{"t", "x", id, 1, false, false, {}});
  h.core.on_tick(h.now);
  const auto log = h.core.take_log();
  const auto has = [&](const std::string& line) {
    return std::any_of(log.begin(), log.end(), [&](const auto& e) { return e.text == line; });
  };
  CHECK(has("client slow connected (MQTT 5.0, clean start, keep-alive 60 s)"));
  CHECK(has("dropped 3 messages for client slow: queue full"));
  CHECK(h.core.statistics().publish_dropped == 3);
}

TEST_CASE("a large payload is shared by every subscriber's output, not copied (DESIGN.md §2)",
          "[fanout]") {
  harness h(quiet());
  const auto a = h.connect("a");
  const auto b = h.connect("b", codec::protocol_version::v311);
  h.send(a, subscribe{1, {{"big", {0}}}, {}});
  h.send(b, subscribe{1, {{"big", {1}}}, {}}, codec::protocol_version::v311);
  h.received(a), h.received(b, codec::protocol_version::v311);
  const auto pub = h.connect("p");
  h.send(pub, publish{"big", std::string(4096, 'z'), 0, 0, false, false, {}});
  std::map<connection_id, output> outs;
  for (const auto id : h.core.take_ready())
    h.core.take_output(id, outs[id]);
  REQUIRE(outs[a].splices.size() == 1);
  REQUIRE(outs[b].splices.size() == 1);
  CHECK(outs[a].splices[0].message.get() == outs[b].splices[0].message.get());
  // What goes on the wire is still each subscriber's own, complete packet.
  const auto pa = codec::decode(outs[a].flatten(), codec::protocol_version::v5);
  const auto pb = codec::decode(outs[b].flatten(), codec::protocol_version::v311);
  REQUIRE(pa);
  REQUIRE(pb);
  CHECK(std::get<publish>(*pa).payload.size() == 4096);
  CHECK(std::get<publish>(*pb).qos == 0);
}

TEST_CASE("$SYS publishes the drop count, and # does not match it [MQTT-4.7.2-1]", "[sys]") {
  auto cfg = quiet();
  cfg.sys_interval = 10s;
  cfg.lim.max_inflight = 1;
  cfg.lim.max_queued_messages = 1;
  cfg.lim.drop_when_full = true;
  harness h(cfg);
  const auto sub = h.connect("slow");
  h.send(sub, subscribe{1, {{"t", {1}}, {"#", {0}}}, {}});
  const auto pub = h.connect("fast");
  for (std::uint16_t id = 1; id <= 5; ++id)
    h.send(pub, publish{"t", "x", id, 1, false, false, {}});
  const auto watcher = h.connect("watcher");
  h.send(watcher, subscribe{1, {{"$SYS/broker/publish/messages/dropped", {0}}}, {}});
  h.received(watcher);
  h.received(sub);
  h.core.on_tick(h.now);
  const auto got = h.received(watcher);
  REQUIRE(got.size() == 1);
  CHECK(std::get<publish>(got[0]).payload == "3");
  for (const auto& p : h.received(sub)) // "#" never sees $SYS
    if (const auto* m = std::get_if<publish>(&p)) CHECK(m->topic.rfind("$SYS", 0) != 0);
}

TEST_CASE("use_identity_as_username: the transport's identity stands in for the user name",
          "[identity]") {
  auto cfg = quiet();
  cfg.allow_anonymous = false;
  harness h(cfg);
  codec::connect p;
  p.client_id = "tls";

  const auto known = h.core.on_accept(h.now).value();
  h.core.set_identity(known, "mqtk-client"); // no user name in CONNECT: the CN is it
  h.send(known, p);
  auto got = h.received(known);
  REQUIRE(got.size() == 1);
  CHECK(std::get<connack>(got[0]).code == reason_code::success);

  const auto none = h.core.on_accept(h.now).value();
  h.core.set_identity(none, ""); // no certificate: a user name in CONNECT does not help
  p.client_id = "mallory";
  p.username = "admin";
  p.password = "guess";
  h.send(none, p);
  got = h.received(none);
  REQUIRE(got.size() == 1);
  CHECK(std::get<connack>(got[0]).code == reason_code::not_authorized);

  const auto plain = h.core.on_accept(h.now).value(); // no identity: the CONNECT's word counts
  p.client_id = "plain";
  h.send(plain, p);
  got = h.received(plain);
  REQUIRE(got.size() == 1);
  CHECK(std::get<connack>(got[0]).code == reason_code::success);
}

TEST_CASE("a resumed session gets at most its new Receive Maximum in flight [MQTT-3.3.4-7]",
          "[resume]") {
  harness h(quiet());
  const auto connect_sub = [&](std::uint16_t receive_max) {
    const auto c = h.core.on_accept(h.now).value();
    codec::connect p;
    p.client_id = "sub";
    p.clean_start = false;
    p.props.session_expiry_interval = 60;
    p.props.receive_maximum = receive_max;
    h.send(c, p);
    return c;
  };
  auto sub = connect_sub(10);
  h.received(sub);
  h.send(sub, subscribe{1, {{"t", {1}}}, {}});
  h.received(sub);
  const auto pub = h.connect("pub");
  for (std::uint16_t i = 1; i <= 5; ++i)
    h.send(pub, publish{"t", std::to_string(i), i, 1, false, false, {}});
  CHECK(h.received(sub).size() == 5); // none acknowledged
  h.core.on_closed(sub, h.now);

  sub = connect_sub(2);
  auto got = h.received(sub);
  REQUIRE(got.size() == 3); // CONNACK and two resent messages
  CHECK(std::get<connack>(got[0]).session_present);
  CHECK(std::get<publish>(got[1]).dup);
  CHECK(std::get<publish>(got[2]).payload == "2");
  h.send(sub, puback{std::get<publish>(got[1]).packet_id, reason_code::success, {}});
  got = h.received(sub);
  REQUIRE(got.size() == 1);
  CHECK(std::get<publish>(got[0]).payload == "3");
  CHECK(std::get<publish>(got[0]).dup);
}

// Found with the journal: restored sessions hold ids assigned before a restart, and a client may
// name itself "mqtk-1" too; an assigned id must never take over someone's session.
TEST_CASE("an assigned client id skips ids in use [MQTT-3.1.3-6]", "[features]") {
  harness h(quiet());
  const auto named = h.connect("mqtk-1");
  h.received(named);
  const auto anon = h.connect("");
  const auto got = h.received(anon);
  REQUIRE(got.size() == 1);
  const auto& ack = std::get<connack>(got[0]);
  REQUIRE(ack.props.assigned_client_identifier);
  CHECK(*ack.props.assigned_client_identifier != "mqtk-1");
  CHECK(h.received(named).empty()); // not taken over
  CHECK(h.core.take_closing().empty());
}

TEST_CASE("a PUBLISH whose Response Topic holds a wildcard is refused [MQTT-3.3.2-14]",
          "[publish]") {
  harness h(quiet());
  const auto c = h.connect("asker");
  h.received(c);
  publish p{"req", "x", 0, 0, false, false, {}};
  p.props.response_topic = "replies/#";
  h.send(c, p);
  const auto got = h.received(c);
  REQUIRE(got.size() == 1);
  CHECK(std::get<disconnect>(got[0]).code == reason_code::topic_name_invalid);
  CHECK(h.core.take_closing() == std::vector<connection_id>{c});
}

TEST_CASE("a will whose Response Topic holds a wildcard is refused at CONNECT [MQTT-3.3.2-14]",
          "[connect][will]") {
  harness h(quiet());
  const auto c = h.core.on_accept(h.now).value();
  codec::connect p;
  p.client_id = "willing";
  p.will = codec::will_message{"w/status", "gone", 0, false, {}};
  p.will->props.response_topic = "replies/+";
  h.send(c, p);
  const auto got = h.received(c);
  REQUIRE(got.size() == 1);
  CHECK(std::get<connack>(got[0]).code == reason_code::topic_name_invalid);
  CHECK(h.core.take_closing() == std::vector<connection_id>{c});
}

TEST_CASE("a 3.1.1 CONNECT with an invalid will topic is closed without CONNACK [MQTT-3.1.4-1]",
          "[connect][will]") {
  for (const std::string bad : {"w/#", "", "w/+/x"}) {
    harness h(quiet());
    const auto c = h.core.on_accept(h.now).value();
    codec::connect p;
    p.version = protocol_version::v311;
    p.client_id = "willing";
    p.will = codec::will_message{bad, "gone", 0, false, {}};
    h.send(c, p, protocol_version::v311);
    INFO("will topic '" << bad << "'");
    CHECK(h.received(c, protocol_version::v311).empty());
    CHECK(h.core.take_closing() == std::vector<connection_id>{c});
  }
  // A valid will on the same version still connects.
  harness h(quiet());
  const auto c = h.core.on_accept(h.now).value();
  codec::connect p;
  p.version = protocol_version::v311;
  p.client_id = "willing";
  p.will = codec::will_message{"w/ok", "gone", 0, false, {}};
  h.send(c, p, protocol_version::v311);
  const auto got = h.received(c, protocol_version::v311);
  REQUIRE(got.size() == 1);
  CHECK(std::get<connack>(got[0]).code == reason_code::success);
}

TEST_CASE("retain_available false: CONNACK says so, a retained PUBLISH or will is refused",
          "[retain]") {
  auto cfg = quiet();
  cfg.lim.retain_available = false;
  harness h(cfg);
  const auto c = h.connect("c");
  auto got = h.received(c);
  REQUIRE(got.size() == 1);
  CHECK(std::get<connack>(got[0]).props.retain_available == std::uint8_t{0});
  h.send(c, publish{"t", "x", 0, 0, false, false, {}}); // not retained: fine
  h.send(c, publish{"t", "x", 0, 0, true, false, {}});
  got = h.received(c);
  REQUIRE(got.size() == 1);
  CHECK(std::get<disconnect>(got[0]).code == reason_code::retain_not_supported);
  const auto w = h.core.on_accept(h.now).value();
  codec::connect p;
  p.client_id = "w";
  p.will = will_message{"w", "x", 0, true, {}};
  h.send(w, p);
  got = h.received(w);
  REQUIRE(got.size() == 1);
  CHECK(std::get<connack>(got[0]).code == reason_code::retain_not_supported);
  harness normal(quiet());
  const auto n = normal.connect("n");
  got = normal.received(n);
  CHECK_FALSE(std::get<connack>(got[0]).props.retain_available); // absent: available
}

TEST_CASE("max_inflight_bytes: no new message goes while the payloads in flight reach it",
          "[inflight]") {
  auto cfg = quiet();
  cfg.lim.max_inflight_bytes = 2500;
  harness h(cfg);
  const auto sub = h.connect("sub");
  h.send(sub, subscribe{1, {{"t", {1}}}, {}});
  const auto pub = h.connect("pub");
  (void)h.received(sub);
  const std::string kilobyte(1000, 'k');
  for (std::uint16_t id = 1; id <= 5; ++id)
    h.send(pub, publish{"t", kilobyte, id, 1, false, false, {}});
  std::vector<std::uint16_t> ids;
  for (const auto& p : h.received(sub))
    if (const auto* m = std::get_if<publish>(&p)) ids.push_back(m->packet_id);
  CHECK(ids.size() == 3); // 0, 1000 and 2000 bytes out were under 2500; 3000 is not
  h.send(sub, puback{ids.at(0), reason_code::success, {}});
  std::size_t more = 0;
  for (const auto& p : h.received(sub))
    more += std::holds_alternative<publish>(p) ? 1u : 0u;
  CHECK(more == 1);
  harness big(cfg); // one message always may, however large
  const auto s2 = big.connect("s2");
  big.send(s2, subscribe{1, {{"t", {1}}}, {}});
  const auto p2 = big.connect("p2");
  (void)big.received(s2);
  big.send(p2, publish{"t", std::string(10'000, 'x'), 1, 1, false, false, {}});
  std::size_t got = 0;
  for (const auto& p : big.received(s2))
    got += std::holds_alternative<publish>(p) ? 1u : 0u;
  CHECK(got == 1);
  CHECK(h.core.check_invariants().empty());
}
