// SPDX-License-Identifier: MIT
// The connection log: each connect, refusal and disconnect reason has its line, and the line
// says where the transport's peer address goes.
#include <algorithm>

#include "harness.hpp"

using namespace mqtk;
using namespace mqtk::testing;

namespace {

config logging() {
  auto c = quiet();
  c.log_connections = true;
  return c;
}

// The texts of the log lines since the last call, with "@" where the peer's address goes.
std::vector<std::string> lines(harness& h) {
  std::vector<std::string> r;
  for (auto& e : h.core.take_log()) {
    if (e.peer_at <= e.text.size()) e.text.insert(e.peer_at, "@");
    r.push_back(e.text);
  }
  return r;
}

bool has(const std::vector<std::string>& log, const std::string& line) {
  return std::find(log.begin(), log.end(), line) != log.end();
}

} // namespace

TEST_CASE("a connect line names the client, version, session, keep-alive and user", "[log]") {
  harness h(logging());
  const auto c = h.core.on_accept(h.now).value();
  codec::connect p;
  p.client_id = "dev1";
  p.clean_start = false;
  p.keep_alive = 30;
  p.username = "ann";
  h.send(c, p);
  CHECK(has(lines(h), "client dev1 connected@ (MQTT 5.0, persistent, keep-alive 30 s, user ann)"));
  h.send(c, codec::disconnect{});
  h.core.on_closed(c, h.now);
  (void)lines(h);
  h.connect("dev1", protocol_version::v311);
  // 3.1.1 with the harness's Clean Session 1, over the session dev1 left (v5 expiry 0: gone).
  CHECK(has(lines(h), "client dev1 connected@ (MQTT 3.1.1, clean start, keep-alive 60 s)"));
}

TEST_CASE("each disconnect reason has its line", "[log]") {
  harness h(logging());
  SECTION("DISCONNECT with its reason code and Reason String") {
    const auto c = h.connect("a");
    codec::disconnect d{reason_code::disconnect_with_will, {}};
    d.props.reason_string = "bye";
    h.send(c, d);
    h.core.on_closed(c, h.now, "the client closed the connection without DISCONNECT");
    CHECK(has(lines(h), "client a disconnected: it sent DISCONNECT (Disconnect with Will "
                        "Message): \"bye\""));
  }
  SECTION("keep-alive timeout, with the silence measured") {
    const auto c = h.core.on_accept(h.now).value();
    codec::connect p;
    p.client_id = "k";
    p.keep_alive = 2;
    h.send(c, p);
    h.now += std::chrono::seconds(4);
    h.core.on_tick(h.now);
    h.core.on_closed(c, h.now);
    CHECK(has(lines(h), "client k disconnected: keep-alive timeout: nothing received for 4000 ms "
                        "(keep-alive 2 s)"));
  }
  SECTION("a protocol error names the rule") {
    const auto c = h.connect("p");
    h.send(c, codec::connect{}); // a second CONNECT [MQTT-3.1.0-2]
    h.core.on_closed(c, h.now);
    const auto log = lines(h);
    REQUIRE(log.size() == 2);
    CHECK_THAT(log[1], Catch::StartsWith("client p disconnected: protocol error: "));
  }
  SECTION("an oversize packet: its size and the limit") {
    auto cfg = logging();
    cfg.lim.max_packet_size = 100;
    harness small(cfg);
    const auto c = small.connect("big");
    small.send(c, codec::publish{"t", std::string(500, 'x'), 0, 0, false, false, {}});
    small.core.on_closed(c, small.now);
    const auto log = lines(small);
    CHECK(has(log, "client big disconnected: protocol error: a packet of 507 bytes is "
                   "over max_packet_size (100 bytes)"));
  }
  SECTION("a takeover names the new connection as the cause") {
    const auto first = h.connect("same");
    h.connect("same");
    h.core.on_closed(first, h.now);
    const auto log = lines(h);
    CHECK(has(log, "client same disconnected: session taken over by a new connection"));
    CHECK(std::count_if(log.begin(), log.end(), [](const std::string& l) {
            return l.find("disconnected") != std::string::npos;
          }) == 1); // not a second line when the old socket closes
  }
  SECTION("the broker shutting down") {
    const auto c = h.connect("s");
    h.core.shutdown(h.now);
    h.core.on_closed(c, h.now);
    CHECK(has(lines(h), "client s disconnected: Server shutting down"));
  }
  SECTION("the transport's account when the core had no reason; the will is mentioned") {
    const auto c = h.core.on_accept(h.now).value();
    codec::connect p;
    p.client_id = "w";
    p.will = codec::will_message{"w/gone", "x", 0, false, {}};
    h.send(c, p);
    h.core.on_closed(c, h.now, "socket error: Connection reset by peer");
    CHECK(has(lines(h), "client w disconnected: socket error: Connection reset by peer; will "
                        "published"));
  }
}

TEST_CASE("refused CONNECTs are logged with the reason and no disconnect line", "[log]") {
  harness h(logging());
  SECTION("a client id that is not valid") {
    const auto c = h.core.on_accept(h.now).value();
    codec::connect p;
    p.version = protocol_version::v311;
    p.clean_start = false; // an empty id needs Clean Session 1 [MQTT-3.1.3-8]
    h.send(c, p, protocol_version::v311);
    h.core.on_closed(c, h.now);
    const auto log = lines(h);
    REQUIRE(log.size() == 1);
    CHECK(log[0] == "a connection refused@: Client Identifier not valid (0x85)");
  }
  SECTION("a first packet that is not CONNECT") {
    const auto c = h.core.on_accept(h.now).value();
    h.send(c, codec::pingreq{});
    h.core.on_closed(c, h.now);
    CHECK(lines(h) ==
          std::vector<std::string>{"a connection refused@: its first packet is not CONNECT "
                                   "[MQTT-3.1.0-1]"});
  }
  SECTION("no CONNECT in time") {
    const auto c = h.core.on_accept(h.now).value();
    h.now += std::chrono::seconds(11);
    h.core.on_tick(h.now);
    h.core.on_closed(c, h.now);
    CHECK(lines(h) ==
          std::vector<std::string>{"a connection refused@: no CONNECT accepted within 10 s"});
  }
}

TEST_CASE("SUBSCRIBE and UNSUBSCRIBE lines only when asked", "[log]") {
  auto cfg = logging();
  cfg.log_subscriptions = true;
  harness h(cfg);
  const auto c = h.connect("s");
  (void)lines(h);
  h.send(c, codec::subscribe{1, {{"a/#", {1}}, {"bad/#/x", {0}}}, {}});
  h.send(c, codec::unsubscribe{2, {"a/#", "none"}, {}});
  CHECK(lines(h) ==
        std::vector<std::string>{"client s subscribed to a/#: QoS 1",
                                 "client s subscribed to bad/#/x: refused (Topic Filter invalid)",
                                 "client s unsubscribed from a/#",
                                 "client s unsubscribed from none (it had no such subscription)"});
  harness quiet_one(logging());
  const auto q = quiet_one.connect("q");
  quiet_one.send(q, codec::subscribe{1, {{"a", {0}}}, {}});
  CHECK(lines(quiet_one).size() == 1); // the connect line only
}

TEST_CASE("no connection lines unless asked, but a full broker is logged anyway", "[log]") {
  auto cfg = quiet();
  cfg.lim.max_connections = 1;
  harness h(cfg);
  const auto a = h.connect("a");
  h.send(a, codec::disconnect{});
  h.core.on_closed(a, h.now);
  CHECK(h.core.take_log().empty());
  h.connect("one");
  h.connect("two");
  CHECK(lines(h) == std::vector<std::string>{"client two refused: max_connections (1) reached"});
}
