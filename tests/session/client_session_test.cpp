// SPDX-License-Identifier: MIT
// client_session driven by a fake clock and a scripted server: connect, windows, QoS flows,
// keep-alive, resend on resume, and reactions to a misbehaving server.
#include "fake_peer.hpp"

using namespace mqtk;
using namespace mqtk::codec;
using namespace mqtk::session;
using namespace mqtk::testing;

namespace {

client_config config(protocol_version v, std::uint16_t keep_alive = 60) {
  client_config c;
  c.connect.version = v;
  c.connect.client_id = "c1";
  c.connect.keep_alive = keep_alive;
  return c;
}

// A session connected to `server`, with CONNACK properties `props`.
client_session connected(fake_server& server, client_config c, properties props = {},
                         bool session_present = false) {
  client_session s(std::move(c));
  s.start(t(0ms));
  only<connect>(server.received(s));
  server.send(s, connack{session_present, reason_code::success, std::move(props)}, t(0ms));
  REQUIRE(s.current_state() == client_session::state::connected);
  REQUIRE(events_of<event::connected>(s.take_events()).size() == 1);
  return s;
}

publish msg(std::string topic, std::uint8_t qos, std::string payload = "x") {
  return publish{std::move(topic), std::move(payload), 0, qos, false, false, {}};
}

} // namespace

TEST_CASE("start sends the configured CONNECT, CONNACK connects", "[client]") {
  fake_server server{protocol_version::v5};
  auto c = config(protocol_version::v5);
  c.connect.props.session_expiry_interval = 30;
  client_session s(c);
  s.start(t(0ms));
  const auto sent = only<connect>(server.received(s));
  CHECK(sent == c.connect);
  // A QoS 0 publish and a SUBSCRIBE made before CONNACK wait for it.
  REQUIRE(s.publish(msg("a", 0), t(1ms)).value() == 0);
  REQUIRE(s.subscribe({{"b/#", {1}}}, {}, t(1ms)));
  CHECK(server.received(s).empty());
  properties p;
  p.assigned_client_identifier = "x";
  server.send(s, connack{false, reason_code::success, p}, t(2ms));
  const auto after = server.received(s);
  REQUIRE(after.size() == 2);
  CHECK(std::get<publish>(after[0]).topic == "a");
  CHECK(std::get<subscribe>(after[1]).topics[0].filter == "b/#");
  const auto ev = events_of<event::connected>(s.take_events());
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].ack.props.assigned_client_identifier == "x");
}

TEST_CASE("CONNACK refusal closes with the reason", "[client]") {
  fake_server server{protocol_version::v5};
  client_session s(config(protocol_version::v5));
  s.start(t(0ms));
  server.received(s);
  properties p;
  p.reason_string = "go away";
  server.send(s, connack{false, reason_code::not_authorized, p}, t(1ms));
  const auto closed = events_of<event::closed>(s.take_events());
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].error == reason_code::not_authorized);
  CHECK(closed[0].by_server);
  CHECK(closed[0].reason_string == "go away");
}

TEST_CASE("a 3.1.1 server's refusal of MQTT 5 reads as Unsupported Protocol Version", "[client]") {
  fake_server server{protocol_version::v5};
  client_session s(config(protocol_version::v5));
  s.start(t(0ms));
  server.received(s);
  // 3.1.1 CONNACK, return code 1: unacceptable protocol level.
  const std::uint8_t refusal[] = {0x20, 0x02, 0x00, 0x01};
  s.on_bytes(byte_view(refusal, sizeof refusal), t(1ms));
  const auto closed = events_of<event::closed>(s.take_events());
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].error == reason_code::unsupported_protocol_version);
  CHECK(closed[0].by_server);
  CHECK(server.received(s).empty()); // no DISCONNECT in a version the server does not speak
}

TEST_CASE("the same bytes later in a 5.0 connection are no refusal", "[client]") {
  fake_server server{protocol_version::v5};
  auto s = connected(server, config(protocol_version::v5));
  const std::uint8_t second_connack[] = {0x20, 0x02, 0x00, 0x01};
  s.on_bytes(byte_view(second_connack, sizeof second_connack), t(1ms));
  const auto closed = events_of<event::closed>(s.take_events());
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].error != reason_code::unsupported_protocol_version);
}

TEST_CASE("no CONNACK in time closes with timed_out", "[client][timer]") {
  client_session s(config(protocol_version::v311));
  s.start(t(0ms));
  CHECK(s.next_deadline() == t(10'000ms));
  s.on_tick(t(9'999ms));
  CHECK(s.take_events().empty());
  s.on_tick(t(10'000ms));
  const auto closed = events_of<event::closed>(s.take_events());
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].error == std::errc::timed_out);
}

TEST_CASE("a packet other than CONNACK first is a protocol error [MQTT-3.2.0-1]", "[client]") {
  fake_server server{protocol_version::v5};
  client_session s(config(protocol_version::v5));
  s.start(t(0ms));
  server.received(s);
  server.send(s, pingresp{}, t(1ms));
  CHECK(only<disconnect>(server.received(s)).code == reason_code::protocol_error);
  CHECK(events_of<event::closed>(s.take_events()).size() == 1);
}

TEST_CASE("keep-alive: PINGREQ after a quiet period, close when PINGRESP never comes",
          "[client][timer]") {
  fake_server server{protocol_version::v5};
  auto s = connected(server, config(protocol_version::v5, 10));
  CHECK(s.next_deadline() == t(10'000ms));
  s.on_tick(t(5'000ms));
  CHECK(server.received(s).empty());
  REQUIRE(s.publish(msg("a", 0), t(5'000ms))); // sending resets the period
  server.received(s);
  CHECK(s.next_deadline() == t(15'000ms));
  s.on_tick(t(15'000ms));
  only<pingreq>(server.received(s));
  server.send(s, pingresp{}, t(15'100ms));
  CHECK(s.next_deadline() == t(25'000ms));
  s.on_tick(t(25'000ms));
  only<pingreq>(server.received(s));
  s.on_tick(t(34'999ms));
  CHECK(s.take_events().empty());
  s.on_tick(t(35'000ms));
  CHECK(only<disconnect>(server.received(s)).code == reason_code::keep_alive_timeout);
  const auto closed = events_of<event::closed>(s.take_events());
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].error == reason_code::keep_alive_timeout);
}

TEST_CASE("the server's keep-alive replaces the client's [MQTT-3.2.2-21]", "[client][timer]") {
  fake_server server{protocol_version::v5};
  properties p;
  p.server_keep_alive = 5;
  auto s = connected(server, config(protocol_version::v5, 60), p);
  CHECK(s.next_deadline() == t(5'000ms));
}

TEST_CASE("Receive Maximum bounds the QoS 1 window [MQTT-3.3.4-7]", "[client][window]") {
  fake_server server{protocol_version::v5};
  properties p;
  p.receive_maximum = 2;
  auto s = connected(server, config(protocol_version::v5), p);
  // Waiting messages get their packet id when they enter the window: read ids off the wire.
  std::vector<std::uint16_t> ids;
  for (int i = 0; i < 5; ++i)
    REQUIRE(s.publish(msg("t", 1, std::to_string(i)), t(1ms)));
  auto sent = server.received(s);
  REQUIRE(sent.size() == 2);
  for (const auto& x : sent)
    ids.push_back(std::get<publish>(x).packet_id);
  CHECK(s.unacknowledged() == 5);
  server.send(s, puback{ids[0], reason_code::success, {}}, t(2ms));
  sent = server.received(s);
  REQUIRE(sent.size() == 1);
  CHECK(std::get<publish>(sent[0]).payload == "2");
  ids.push_back(std::get<publish>(sent[0]).packet_id);
  for (std::size_t i = 1; i < 5; ++i) {
    server.send(s, puback{ids[i], reason_code::success, {}}, t(3ms));
    for (const auto& x : server.received(s))
      ids.push_back(std::get<publish>(x).packet_id);
  }
  const auto done = events_of<event::publish_done>(s.take_events());
  REQUIRE(done.size() == 5);
  for (std::size_t i = 0; i < 5; ++i)
    CHECK(done[i].packet_id == ids[i]);
  CHECK(s.unacknowledged() == 0);
}

TEST_CASE("any number of messages may wait for the window, ids come from the window",
          "[client][window]") {
  fake_server server{protocol_version::v5};
  properties p;
  p.receive_maximum = 10;
  auto s = connected(server, config(protocol_version::v5), p);
  for (int i = 0; i < 70'000; ++i)
    REQUIRE(s.publish(msg("t", 1), t(1ms)));
  std::size_t acked = 0;
  for (int round = 0; round < 10'000 && acked < 70'000; ++round)
    for (const auto& x : server.received(s)) {
      server.send(s, puback{std::get<publish>(x).packet_id, reason_code::success, {}}, t(2ms));
      ++acked;
    }
  CHECK(acked == 70'000);
  CHECK(s.unacknowledged() == 0);
}

TEST_CASE("max_inflight narrows the window further", "[client][window]") {
  fake_server server{protocol_version::v311};
  auto c = config(protocol_version::v311);
  c.max_inflight = 1;
  auto s = connected(server, c);
  REQUIRE(s.publish(msg("t", 1), t(1ms)));
  REQUIRE(s.publish(msg("t", 1), t(1ms)));
  CHECK(server.received(s).size() == 1);
}

TEST_CASE("QoS 2 outbound: PUBLISH, PUBREC, PUBREL, PUBCOMP", "[client][qos2]") {
  fake_server server{protocol_version::v5};
  auto s = connected(server, config(protocol_version::v5));
  const auto id = s.publish(msg("t", 2), t(1ms)).value();
  CHECK(only<publish>(server.received(s)).qos == 2);
  server.send(s, pubrec{id, reason_code::success, {}}, t(2ms));
  CHECK(only<pubrel>(server.received(s)).packet_id == id);
  CHECK(events_of<event::publish_done>(s.take_events()).empty());
  server.send(s, pubcomp{id, reason_code::success, {}}, t(3ms));
  const auto done = events_of<event::publish_done>(s.take_events());
  REQUIRE(done.size() == 1);
  CHECK(done[0].code == reason_code::success);
}

TEST_CASE("a failing PUBREC ends the QoS 2 exchange without PUBREL", "[client][qos2]") {
  fake_server server{protocol_version::v5};
  auto s = connected(server, config(protocol_version::v5));
  const auto id = s.publish(msg("t", 2), t(1ms)).value();
  server.received(s);
  properties p;
  p.reason_string = "denied";
  server.send(s, pubrec{id, reason_code::not_authorized, p}, t(2ms));
  CHECK(server.received(s).empty());
  const auto done = events_of<event::publish_done>(s.take_events());
  REQUIRE(done.size() == 1);
  CHECK(done[0].code == reason_code::not_authorized);
  CHECK(done[0].reason_string == "denied");
}

TEST_CASE("inbound QoS 1 and QoS 2 are acknowledged and delivered once", "[client][inbound]") {
  fake_server server{protocol_version::v311};
  auto s = connected(server, config(protocol_version::v311));
  server.send(s, publish{"a", "1", 5, 1, false, false, {}}, t(1ms));
  CHECK(only<puback>(server.received(s)).packet_id == 5);
  server.send(s, publish{"a", "2", 6, 2, false, false, {}}, t(2ms));
  CHECK(only<pubrec>(server.received(s)).packet_id == 6);
  server.send(s, publish{"a", "2", 6, 2, false, true, {}}, t(3ms)); // redelivery with DUP
  CHECK(only<pubrec>(server.received(s)).packet_id == 6);
  server.send(s, pubrel{6, reason_code::success, {}}, t(4ms));
  CHECK(only<pubcomp>(server.received(s)).packet_id == 6);
  const auto got = events_of<event::message>(s.take_events());
  REQUIRE(got.size() == 2);
  CHECK(got[0].message.payload == "1");
  CHECK(got[1].message.payload == "2");
}

TEST_CASE("inbound topic aliases are resolved", "[client][alias]") {
  fake_server server{protocol_version::v5};
  auto c = config(protocol_version::v5);
  c.connect.props.topic_alias_maximum = 4;
  auto s = connected(server, c);
  publish first{"long/topic", "1", 0, 0, false, false, {}};
  first.props.topic_alias = 2;
  server.send(s, first, t(1ms));
  publish second{"", "2", 0, 0, false, false, {}};
  second.props.topic_alias = 2;
  server.send(s, second, t(2ms));
  const auto got = events_of<event::message>(s.take_events());
  REQUIRE(got.size() == 2);
  CHECK(got[1].message.topic == "long/topic");
  publish bad{"", "3", 0, 0, false, false, {}};
  bad.props.topic_alias = 3; // never mapped
  server.send(s, bad, t(3ms));
  CHECK(only<disconnect>(server.received(s)).code == reason_code::topic_alias_invalid);
}

TEST_CASE("resume with a session: resend in order with DUP, PUBREL again [MQTT-4.4.0-1]",
          "[client][resume]") {
  fake_server server{protocol_version::v5};
  auto c = config(protocol_version::v5);
  c.connect.clean_start = false;
  auto s = connected(server, c);
  const auto a = s.publish(msg("t", 1, "a"), t(1ms)).value();
  const auto b = s.publish(msg("t", 2, "b"), t(1ms)).value();
  server.received(s);
  server.send(s, pubrec{b, reason_code::success, {}}, t(2ms));
  server.received(s); // PUBREL
  s.on_connection_lost();
  s.start(t(10ms));
  only<connect>(server.received(s));
  server.send(s, connack{true, reason_code::success, {}}, t(11ms));
  const auto again = server.received(s);
  REQUIRE(again.size() == 2);
  const auto& p = std::get<publish>(again[0]);
  CHECK(p.packet_id == a);
  CHECK(p.dup);
  CHECK(std::get<pubrel>(again[1]).packet_id == b);
}

TEST_CASE("resume without a session: unacknowledged messages go again as new", "[client][resume]") {
  fake_server server{protocol_version::v311};
  auto s = connected(server, config(protocol_version::v311));
  s.publish(msg("t", 1, "a"), t(1ms)).value();
  const auto b = s.publish(msg("t", 2, "b"), t(1ms)).value();
  server.received(s);
  server.send(s, pubrec{b, reason_code::success, {}}, t(2ms));
  server.received(s);
  s.take_events();
  s.on_connection_lost();
  s.start(t(10ms));
  server.received(s);
  server.send(s, connack{false, reason_code::success, {}}, t(11ms));
  const auto p = only<publish>(server.received(s));
  CHECK(p.payload == "a");
  CHECK_FALSE(p.dup);
  const auto done = events_of<event::publish_done>(s.take_events());
  REQUIRE(done.size() == 1); // the PUBREC'd QoS 2 message reached the server
  CHECK(done[0].packet_id == b);
}

TEST_CASE("what the server does not allow is refused before sending", "[client]") {
  fake_server server{protocol_version::v5};
  properties p;
  p.maximum_qos = 1;
  p.retain_available = 0;
  p.maximum_packet_size = 64;
  auto s = connected(server, config(protocol_version::v5), p);
  CHECK(s.publish(msg("t", 2), t(1ms)).error() == reason_code::qos_not_supported);
  auto r = msg("t", 0);
  r.retain = true;
  CHECK(s.publish(r, t(1ms)).error() == reason_code::retain_not_supported);
  CHECK(s.publish(msg("t", 1, std::string(100, 'x')), t(1ms)).error() ==
        reason_code::packet_too_large);
  CHECK(s.publish(msg("a/+", 0), t(1ms)).error() == mqtk::errc::topic_name_invalid);
  CHECK(s.subscribe({{"a/#/b", {}}}, {}, t(1ms)).error() == mqtk::errc::topic_filter_invalid);
  CHECK(server.received(s).empty());
}

TEST_CASE("a server DISCONNECT closes with its reason", "[client]") {
  fake_server server{protocol_version::v5};
  auto s = connected(server, config(protocol_version::v5));
  properties p;
  p.reason_string = "bye";
  server.send(s, disconnect{reason_code::session_taken_over, p}, t(1ms));
  const auto closed = events_of<event::closed>(s.take_events());
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].error == reason_code::session_taken_over);
  CHECK(closed[0].by_server);
  CHECK(closed[0].reason_string == "bye");
}

TEST_CASE("a malformed packet from the server gets DISCONNECT 0x81", "[client]") {
  fake_server server{protocol_version::v5};
  auto s = connected(server, config(protocol_version::v5));
  const auto bad = from_hex("36 06 00 01 74 00 01 00").value(); // QoS 3
  s.on_bytes(bad, t(1ms));
  CHECK(only<disconnect>(server.received(s)).code == reason_code::malformed_packet);
  const auto closed = events_of<event::closed>(s.take_events());
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].error == mqtk::errc::qos_invalid);
}

TEST_CASE("SUBSCRIBE and UNSUBSCRIBE complete with their acknowledgements", "[client]") {
  fake_server server{protocol_version::v5};
  auto s = connected(server, config(protocol_version::v5));
  const auto sid = s.subscribe({{"a/#", {1}}, {"b", {2}}}, {}, t(1ms)).value();
  CHECK(only<subscribe>(server.received(s)).packet_id == sid);
  server.send(s, suback{sid, {reason_code::granted_qos_1, reason_code::not_authorized}, {}},
              t(2ms));
  const auto subs = events_of<event::subscribe_done>(s.take_events());
  REQUIRE(subs.size() == 1);
  CHECK(subs[0].ack.codes[1] == reason_code::not_authorized);
  const auto uid = s.unsubscribe({"a/#"}, {}, t(3ms)).value();
  server.received(s);
  server.send(s, unsuback{uid, {reason_code::success}, {}}, t(4ms));
  CHECK(events_of<event::unsubscribe_done>(s.take_events()).size() == 1);
}

TEST_CASE("disconnect sends DISCONNECT and closes", "[client]") {
  fake_server server{protocol_version::v5};
  auto s = connected(server, config(protocol_version::v5));
  s.disconnect(reason_code::disconnect_with_will, {}, t(1ms));
  CHECK(only<disconnect>(server.received(s)).code == reason_code::disconnect_with_will);
  CHECK(s.current_state() == client_session::state::closed);
}

TEST_CASE("manual_ack: QoS 1 and 2 messages are acknowledged only when the caller says so",
          "[client]") {
  for (const auto v : {protocol_version::v5, protocol_version::v311}) {
    fake_server server{v};
    auto c = config(v);
    c.manual_ack = true;
    auto s = connected(server, c);
    server.send(s, publish{"q", "one", 1, 1, false, false, {}}, t(1ms));
    server.send(s, publish{"q", "two", 2, 2, false, false, {}}, t(1ms));
    const auto got = events_of<event::message>(s.take_events());
    REQUIRE(got.size() == 2);
    CHECK(server.received(s).empty()); // nothing acknowledged yet
    // A resent QoS 2 publish the caller has not acknowledged is neither delivered nor
    // acknowledged again.
    server.send(s, publish{"q", "two", 2, 2, false, true, {}}, t(2ms));
    CHECK(events_of<event::message>(s.take_events()).empty());
    CHECK(server.received(s).empty());
    s.acknowledge(got[1].message, t(3ms));
    CHECK(only<pubrec>(server.received(s)).packet_id == 2);
    s.acknowledge(got[0].message, t(3ms));
    CHECK(only<puback>(server.received(s)).packet_id == 1);
    s.acknowledge(got[1].message, t(4ms)); // once only
    CHECK(server.received(s).empty());
  }
}

TEST_CASE("topic_aliases: long topics get the server's aliases, a new connection starts afresh "
          "[MQTT-3.3.2-9]",
          "[client][alias]") {
  fake_server server{protocol_version::v5};
  auto c = config(protocol_version::v5);
  c.topic_aliases = true;
  properties p;
  p.topic_alias_maximum = 1;
  auto s = connected(server, c, p);
  REQUIRE(s.publish(msg("plant/line/1", 0), t(1ms)));
  REQUIRE(s.publish(msg("plant/line/1", 1), t(1ms)));
  REQUIRE(s.publish(msg("plant/line/2", 0), t(1ms)));
  REQUIRE(s.publish(msg("short", 0), t(1ms)));
  const auto got = server.received(s);
  REQUIRE(got.size() == 4);
  const auto at = [&](std::size_t i) { return std::get<publish>(got[i]); };
  CHECK((at(0).topic == "plant/line/1" && at(0).props.topic_alias == 1));
  CHECK((at(1).topic.empty() && at(1).props.topic_alias == 1 && at(1).qos == 1));
  CHECK((at(2).topic == "plant/line/2" && at(2).props.topic_alias == 1)); // the one slot, anew
  CHECK((at(3).topic == "short" && !at(3).props.topic_alias));
  // A new connection: the QoS 1 message is resent with its topic, the table being empty.
  s.on_connection_lost();
  s.start(t(2ms));
  only<connect>(server.received(s));
  server.send(s, connack{false, reason_code::success, p}, t(3ms));
  const auto again = server.received(s);
  REQUIRE(again.size() == 1);
  const auto& resent = std::get<publish>(again[0]);
  CHECK((resent.topic == "plant/line/1" && resent.props.topic_alias == 1));
}

TEST_CASE("without topic_aliases, or a server allowing none, topics go whole", "[client][alias]") {
  fake_server server{protocol_version::v5};
  properties p;
  p.topic_alias_maximum = 5;
  auto s = connected(server, config(protocol_version::v5), p); // topic_aliases off
  REQUIRE(s.publish(msg("plant/line/1", 0), t(1ms)));
  REQUIRE(s.publish(msg("plant/line/1", 0), t(1ms)));
  for (const auto& g : server.received(s))
    CHECK(
        (std::get<publish>(g).topic == "plant/line/1" && !std::get<publish>(g).props.topic_alias));
}
