// SPDX-License-Identifier: MIT
// max_retained_messages and max_retained_bytes: a retained message past either is not kept,
// counted and logged; a v5 QoS 1/2 publisher is refused with 0x97, others still reach the
// topic's current subscribers. Replacing and clearing always work.
#include <catch2/catch.hpp>

#include <algorithm>

#include "harness.hpp"

using namespace mqtk;
using namespace mqtk::testing;

namespace {

publish retained(std::string topic, std::string payload, std::uint16_t id, std::uint8_t qos) {
  return publish{std::move(topic), std::move(payload), id, qos, true, false, {}};
}

std::vector<std::string> retained_topics(harness& h, const std::string& name) {
  const auto c = h.connect(name);
  h.received(c);
  h.send(c, subscribe{1, {{"r/#", {0}}}, {}});
  std::vector<std::string> out;
  for (const auto& p : h.received(c))
    if (const auto* m = std::get_if<publish>(&p)) out.push_back(m->topic);
  return out;
}

bool logged(harness& h, const std::string& part) {
  const auto log = h.core.take_log();
  return std::any_of(log.begin(), log.end(), [&](const broker::log_entry& l) {
    return l.text.find(part) != std::string::npos;
  });
}

config limited(std::size_t messages, std::size_t bytes) {
  auto c = quiet();
  c.lim.max_retained_messages = messages;
  c.lim.max_retained_bytes = bytes;
  return c;
}

} // namespace

TEST_CASE("a v5 QoS 1 retained message past max_retained_messages is refused with 0x97",
          "[retained][limits]") {
  harness h(limited(2, SIZE_MAX));
  const auto pub = h.connect("pub");
  h.received(pub);
  auto ack = [&](publish p) {
    h.send(pub, p);
    const auto got = h.received(pub);
    REQUIRE(got.size() == 1);
    return std::get<puback>(got[0]).code;
  };
  CHECK(ack(retained("r/1", "a", 1, 1)) == reason_code::success);
  CHECK(ack(retained("r/2", "b", 2, 1)) == reason_code::success);
  CHECK(ack(retained("r/3", "c", 3, 1)) == reason_code::quota_exceeded);
  CHECK(h.core.statistics().dropped[static_cast<std::size_t>(drop_reason::retain_limit)] == 1);
  h.core.on_tick(h.now + broker_core::tick_interval);
  CHECK(logged(h, "from client pub: not retained"));
  CHECK(ack(retained("r/1", "replaced", 4, 1)) == reason_code::success); // replacing: allowed
  CHECK(ack(retained("r/2", "", 5, 1)) == reason_code::success);         // clearing: allowed
  CHECK(ack(retained("r/3", "c", 6, 1)) == reason_code::success);        // room again
  auto topics = retained_topics(h, "late");
  CHECK(topics == std::vector<std::string>{"r/1", "r/3"});
}

TEST_CASE("past the retained limits, QoS 0 and 3.1.1 messages are delivered but not kept",
          "[retained][limits]") {
  harness h(limited(SIZE_MAX, 10)); // bytes: topic + payload
  const auto sub = h.connect("sub");
  h.received(sub);
  h.send(sub, subscribe{1, {{"r/#", {1}}}, {}});
  h.received(sub);
  const auto v5 = h.connect("v5");
  h.received(v5);
  const auto old = h.connect("old", protocol_version::v311);
  h.received(old, protocol_version::v311);
  h.send(v5, retained("r/1", "12345678", 0, 0));                   // 11 bytes: over
  h.send(v5, retained("r/1", "1234567", 0, 0));                    // 10 bytes: fits
  h.send(old, retained("r/2", "x", 9, 1), protocol_version::v311); // 14 in all: over
  const auto acks = h.received(old, protocol_version::v311);
  REQUIRE(acks.size() == 1);
  CHECK(std::get<puback>(acks[0]).packet_id == 9); // 3.1.1 acknowledgements carry no code
  std::vector<std::string> live;
  for (const auto& p : h.received(sub))
    if (const auto* m = std::get_if<publish>(&p)) live.push_back(m->topic + "=" + m->payload);
  CHECK(live == std::vector<std::string>{"r/1=12345678", "r/1=1234567", "r/2=x"});
  CHECK(retained_topics(h, "late") == std::vector<std::string>{"r/1"});
  CHECK(h.core.statistics().dropped[static_cast<std::size_t>(drop_reason::retain_limit)] == 2);
}
