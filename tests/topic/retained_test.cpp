// SPDX-License-Identifier: MIT
// The retained store: set, clear on empty payload, and lookup by filter.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>

#include "mqtk/topic/match.hpp"
#include "mqtk/topic/retained_store.hpp"

using namespace mqtk;
using namespace mqtk::topic;

namespace {

retained_store::message msg(std::string topic, std::string payload) {
  return std::make_shared<codec::publish>(
      codec::publish{std::move(topic), std::move(payload), 0, 0, true, false, {}});
}

std::set<std::string> found(const retained_store& s, std::string_view filter) {
  std::vector<retained_store::message> out;
  s.find(filter, out);
  std::set<std::string> topics;
  for (const auto& m : out)
    topics.insert(m->topic);
  return topics;
}

} // namespace

TEST_CASE("retained messages are stored, replaced and cleared", "[retained]") {
  retained_store s;
  s.set(msg("a/b", "1"));
  s.set(msg("a/c", "2"));
  s.set(msg("a", "3"));
  s.set(msg("$SYS/x", "4"));
  CHECK(s.size() == 4);
  s.set(msg("a/b", "5")); // replaces
  CHECK(s.size() == 4);
  std::vector<retained_store::message> out;
  s.find("a/b", out);
  REQUIRE(out.size() == 1);
  CHECK(out[0]->payload == "5");
  CHECK(found(s, "a/+") == std::set<std::string>{"a/b", "a/c"});
  CHECK(found(s, "a/#") == std::set<std::string>{"a", "a/b", "a/c"});
  CHECK(found(s, "#") == std::set<std::string>{"a", "a/b", "a/c"}); // not $SYS [MQTT-4.7.2-1]
  CHECK(found(s, "+/b") == std::set<std::string>{"a/b"});
  CHECK(found(s, "$SYS/#") == std::set<std::string>{"$SYS/x"});
  s.set(msg("a/b", "")); // an empty payload clears [MQTT-3.3.1-6]
  CHECK(s.size() == 3);
  CHECK(found(s, "a/b").empty());
  s.set(msg("never/set", "")); // clearing nothing is harmless
  CHECK(s.size() == 3);
}

TEST_CASE("retained lookup agrees with the naive matcher", "[retained][property]") {
  std::mt19937_64 rng(77);
  const char* levels[] = {"a", "b", "", "$x"};
  const char* filters[] = {"#", "+", "a/#", "+/+", "a/+", "+/b", "$x/#", "+/+/+", "a//b", "/#"};
  auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  retained_store s;
  std::set<std::string> topics;
  for (int i = 0; i < 300; ++i) {
    std::string t;
    const auto n = 1 + pick(3);
    for (std::size_t k = 0; k < n; ++k)
      t += (k ? "/" : "") + std::string(levels[pick(4)]);
    const bool clear = pick(4) == 0;
    s.set(msg(t, clear ? "" : "x"));
    if (clear)
      topics.erase(t);
    else
      topics.insert(t);
  }
  CHECK(s.size() == topics.size());
  for (const auto* f : filters) {
    std::set<std::string> expected;
    for (const auto& t : topics)
      if (match(f, t)) expected.insert(t);
    INFO(f);
    CHECK(found(s, f) == expected);
  }
}

TEST_CASE("small retained messages are rebuilt exactly, large or rich ones are shared",
          "[retained]") {
  retained_store s;
  auto small = msg("dev/1/state", "on");
  std::const_pointer_cast<codec::publish>(small)->qos = 1;
  auto large = msg("dev/1/blob", std::string(retained_store::compact_payload + 1, 'x'));
  auto rich = std::make_shared<codec::publish>(*msg("dev/1/json", "{}"));
  rich->props.content_type = "application/json";
  s.set({small, std::nullopt, 7});
  s.set(large);
  s.set(rich);
  const auto a = s.get("dev/1/state");
  REQUIRE(a);
  CHECK(*a->msg == *small); // same topic, payload, QoS, RETAIN
  CHECK(a->msg != small);   // rebuilt, not kept
  CHECK(a->id == 7);
  CHECK(s.get("dev/1/blob")->msg == large);
  CHECK(s.get("dev/1/json")->msg == rich);
  CHECK_FALSE(s.get("dev/1"));
  CHECK_FALSE(s.get("dev/1/state/x"));
  std::vector<std::string> topics;
  s.find_topics("dev/+/#", topics);
  std::sort(topics.begin(), topics.end());
  CHECK(topics == std::vector<std::string>{"dev/1/blob", "dev/1/json", "dev/1/state"});
}

TEST_CASE("the retained store counts messages and bytes, and predicts a set", "[retained]") {
  retained_store s;
  s.set(msg("a/b", "123"));   // 3 + 3
  s.set(msg("a/c", "12345")); // 3 + 5
  CHECK(s.size() == 2);
  CHECK(s.bytes() == 14);
  using sizes = std::pair<std::size_t, std::size_t>;
  CHECK(s.after(*msg("a/b", "1")) == sizes{2, 12});         // a replacement
  CHECK(s.after(*msg("a/d", "1")) == sizes{3, 18});         // a new topic
  CHECK(s.after(*msg("a/c", "")) == sizes{1, 6});           // a clear
  CHECK(s.after(*msg("nothing/here", "")) == sizes{2, 14}); // clearing nothing
  s.set(msg("a/b", std::string(1000, 'y')));
  CHECK(s.bytes() == 3 + 1000 + 8);
  s.set(msg("a/b", ""));
  s.set(msg("a/c", ""));
  CHECK(s.size() == 0);
  CHECK(s.bytes() == 0);
  s.set(msg("a/b/c", "z")); // pruned branches grow again
  CHECK(found(s, "#") == std::set<std::string>{"a/b/c"});
}
