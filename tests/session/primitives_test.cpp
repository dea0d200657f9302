// SPDX-License-Identifier: MIT
// Packet id pool, in-flight window and keep-alive policy.
#include <catch2/catch.hpp>

#include "mqtk/session/inflight.hpp"
#include "mqtk/session/keep_alive.hpp"
#include "mqtk/session/packet_id_pool.hpp"

using namespace mqtk;
using namespace mqtk::session;
using namespace std::chrono_literals;

TEST_CASE("packet ids are non-zero, unique while in use, and cycle [MQTT-2.2.1-3]", "[ids]") {
  packet_id_pool pool;
  CHECK(pool.allocate() == 1);
  CHECK(pool.allocate() == 2);
  CHECK(pool.release(1));
  CHECK_FALSE(pool.release(1));
  CHECK(pool.allocate() == 3); // a freed id is not reused at once
  for (int i = 0; i < 65'532; ++i)
    REQUIRE(pool.allocate());
  CHECK(pool.size() == 65'534);
  CHECK(pool.allocate() == 1);  // wrapped past 65535, skipping 0
  CHECK_FALSE(pool.allocate()); // all 65,535 in use
  CHECK_FALSE(pool.claim(0));
}

TEST_CASE("in-flight entries keep send order and move through QoS 2 states", "[inflight]") {
  outbound_inflight w;
  auto m1 = std::make_shared<const codec::publish>(codec::publish{"a", "", 1, 1, false, false, {}});
  auto m2 = std::make_shared<const codec::publish>(codec::publish{"b", "", 2, 2, false, false, {}});
  w.add(1, m1);
  w.add(2, m2);
  CHECK(w.find(1)->state == inflight_state::awaiting_puback);
  CHECK_FALSE(w.on_pubrec(1));
  CHECK(w.on_pubrec(2));
  CHECK(w.find(2)->state == inflight_state::awaiting_pubcomp);
  CHECK(w.entries().front().packet_id == 1);
  CHECK(w.remove(1)->message == m1);
  CHECK_FALSE(w.remove(1));
  CHECK(w.size() == 1);
}

TEST_CASE("server keep-alive deadline is one and a half periods [MQTT-3.1.2-22]", "[keepalive]") {
  const time_point t0{};
  CHECK(server_keep_alive_deadline(10s, t0) == t0 + 15s);
  CHECK_FALSE(server_keep_alive_deadline(0s, t0));
}

TEST_CASE("client keep-alive 0 disables pings", "[keepalive]") {
  client_keep_alive k;
  k.reset(0s, time_point{});
  CHECK(k.check(time_point{} + 1000s) == client_keep_alive::action::none);
  CHECK_FALSE(k.deadline());
}
