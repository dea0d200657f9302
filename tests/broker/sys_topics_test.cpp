// SPDX-License-Identifier: MIT
// $SYS/broker/...: mosquitto's tree (the table below), retained, each topic published again only
// when its value changed.
#include <map>
#include <set>

#include "harness.hpp"

using namespace mqtk;
using namespace mqtk::testing;

namespace {

std::size_t heap() {
  return 123456;
}

config with_sys() {
  auto c = quiet();
  c.sys_interval = std::chrono::seconds(10);
  c.heap_in_use = heap;
  return c;
}

// Topic -> payload of the $SYS messages `c` was sent since the last call.
std::map<std::string, std::string> sys_of(harness& h, connection_id c) {
  std::map<std::string, std::string> r;
  for (const auto& p : h.received(c))
    if (const auto* m = std::get_if<codec::publish>(&p)) r[m->topic] = m->payload;
  return r;
}

const std::set<std::string> table = {"version",
                                     "uptime",
                                     "clients/connected",
                                     "clients/active",
                                     "clients/disconnected",
                                     "clients/inactive",
                                     "clients/total",
                                     "clients/maximum",
                                     "messages/received",
                                     "messages/sent",
                                     "bytes/received",
                                     "bytes/sent",
                                     "subscriptions/count",
                                     "retained messages/count",
                                     "retained messages/bytes",
                                     "store/messages/count",
                                     "store/messages/bytes",
                                     "publish/messages/dropped",
                                     "slow consumers/count",
                                     "slow consumers/events",
                                     "heap/current",
                                     "publish/messages/dropped/offline",
                                     "publish/messages/dropped/queue_full",
                                     "publish/messages/dropped/slow_consumer",
                                     "publish/messages/dropped/expired",
                                     "publish/messages/dropped/too_large",
                                     "publish/messages/dropped/not_authorized",
                                     "publish/messages/dropped/store_failing",
                                     "publish/messages/dropped/session_ended",
                                     "publish/messages/dropped/retain_limit",
                                     "publish/messages/dropped/budget_full",
                                     "load/messages/received/1min",
                                     "load/messages/received/5min",
                                     "load/messages/received/15min",
                                     "load/messages/sent/1min",
                                     "load/messages/sent/5min",
                                     "load/messages/sent/15min",
                                     "load/bytes/received/1min",
                                     "load/bytes/received/5min",
                                     "load/bytes/received/15min",
                                     "load/bytes/sent/1min",
                                     "load/bytes/sent/5min",
                                     "load/bytes/sent/15min",
                                     "load/connections/1min",
                                     "load/connections/5min",
                                     "load/connections/15min",
                                     "load/publish/dropped/1min",
                                     "load/publish/dropped/5min",
                                     "load/publish/dropped/15min"};

} // namespace

TEST_CASE("$SYS has mosquitto's tree, and a topic is sent again only when it changes", "[sys]") {
  harness h(with_sys());
  const auto w = h.connect("watcher");
  h.send(w, codec::subscribe{1, {{"$SYS/broker/#", {0}}}, {}});
  (void)h.received(w);
  h.core.on_tick(h.now); // the first interval: everything
  auto first = sys_of(h, w);
  std::set<std::string> names;
  for (const auto& [topic, value] : first)
    names.insert(topic.substr(std::string("$SYS/broker/").size()));
  CHECK(names == table);
  CHECK(first["$SYS/broker/clients/connected"] == "1");
  CHECK(first["$SYS/broker/clients/maximum"] == "1");
  CHECK(first["$SYS/broker/heap/current"] == "123456");
  CHECK(first["$SYS/broker/load/connections/1min"] == "0.00");
  CHECK(first["$SYS/broker/retained messages/count"] == "0");

  // Nothing happened but time, and the $SYS messages themselves going out: those figures alone.
  h.now += std::chrono::seconds(10);
  h.core.on_tick(h.now);
  const std::set<std::string> moving = {"uptime", "messages/sent", "bytes/sent"};
  auto quiet_one = sys_of(h, w);
  CHECK(quiet_one.count("$SYS/broker/uptime") == 1);
  for (const auto& [topic, value] : quiet_one) {
    const auto name = topic.substr(std::string("$SYS/broker/").size());
    INFO(name);
    CHECK((moving.count(name) == 1 || name.rfind("load/messages/sent/", 0) == 0 ||
           name.rfind("load/bytes/sent/", 0) == 0));
  }

  // A persistent client leaves, another connects and publishes: the figures that moved, only.
  const auto c = h.core.on_accept(h.now).value();
  codec::connect p;
  p.client_id = "away";
  p.clean_start = false;
  p.version = protocol_version::v311;
  h.send(c, p, protocol_version::v311);
  h.send(c, codec::disconnect{}, protocol_version::v311);
  h.core.on_closed(c, h.now);
  const auto pub = h.connect("pub");
  h.send(pub, codec::publish{"t", "x", 0, 0, false, false, {}});
  h.now += std::chrono::seconds(10);
  h.core.on_tick(h.now);
  auto moved = sys_of(h, w);
  CHECK(moved["$SYS/broker/clients/connected"] == "2");
  CHECK(moved["$SYS/broker/clients/disconnected"] == "1");
  CHECK(moved["$SYS/broker/clients/total"] == "3");
  CHECK(moved["$SYS/broker/clients/maximum"] == "2"); // watcher and away, then watcher and pub
  CHECK(moved["$SYS/broker/messages/received"] == "1");
  // 1 message in 10 s is 6 a minute: the 1-minute average moves by 6 x (1 - e^(-1/6)) = 0.92.
  CHECK(moved["$SYS/broker/load/messages/received/1min"] == "0.92");
  CHECK(moved["$SYS/broker/load/connections/1min"] == "1.84");
  CHECK(moved.count("$SYS/broker/version") == 0);
  CHECK(moved.count("$SYS/broker/subscriptions/count") == 0);
  CHECK(moved.count("$SYS/broker/retained messages/count") == 0); // $SYS's own are not counted
  CHECK(h.core.check_invariants().empty());

  // A late subscriber still gets every topic: they are retained.
  const auto late = h.connect("late");
  h.send(late, codec::subscribe{1, {{"$SYS/broker/#", {0}}}, {}});
  CHECK(sys_of(h, late).size() == table.size());
}

TEST_CASE("$SYS's own retained messages take none of max_retained_messages", "[sys]") {
  auto cfg = with_sys();
  cfg.lim.max_retained_messages = 1;
  harness h(cfg);
  const auto c = h.connect("c");
  h.core.on_tick(h.now); // some 50 $SYS topics retained
  (void)h.received(c);
  h.send(c, codec::publish{"kept", "x", 1, 1, true, false, {}});
  const auto ack = h.received(c);
  REQUIRE(ack.size() == 1);
  CHECK(std::get<codec::puback>(ack[0]).code == reason_code::success);
  h.send(c, codec::publish{"second", "x", 2, 1, true, false, {}});
  const auto refused = h.received(c);
  REQUIRE(refused.size() == 1);
  CHECK(std::get<codec::puback>(refused[0]).code == reason_code::quota_exceeded);
}

TEST_CASE("a core restored with saved totals counts on from them, and its load averages do "
          "not take the history for new traffic",
          "[sys]") {
  auto c = with_sys();
  c.journal = true;
  harness h(c);
  stats saved;
  saved.messages_received = 5'000'000;
  saved.bytes_received = 900'000'000;
  h.core.restore({journal::counters{std::make_shared<const stats>(saved)}}, h.now);
  const auto watcher = h.connect("watcher");
  h.send(watcher, subscribe{1, {{"$SYS/broker/#", {0}}}, {}});
  h.received(watcher);
  h.now += std::chrono::seconds(10);
  h.core.on_tick(h.now);
  const auto sys = sys_of(h, watcher);
  CHECK(sys.at("$SYS/broker/messages/received") == "5000000");
  // One SUBSCRIBE's bytes in 10 s, not 900 MB.
  CHECK(std::stod(sys.at("$SYS/broker/load/bytes/received/1min")) < 1000);
  CHECK(std::stod(sys.at("$SYS/broker/load/messages/received/1min")) == 0);
}
