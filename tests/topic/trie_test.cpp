// SPDX-License-Identifier: MIT
// The subscription trie: behaviour cases, and a property test against the naive matcher.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "mqtk/topic/match.hpp"
#include "mqtk/topic/subscription_trie.hpp"
#include "mqtk/topic/validate.hpp"

using namespace mqtk::topic;

namespace {

std::set<std::uint64_t> clients(subscription_trie& t, std::string_view name) {
  match_result r;
  t.match(name, r);
  std::set<std::uint64_t> out;
  for (const auto* s : r.direct)
    out.insert(s->client);
  return out;
}

} // namespace

TEST_CASE("insert, replace, match, erase", "[trie]") {
  subscription_trie t;
  CHECK(t.insert("a/+", {1, {1}, 0}));
  CHECK(t.insert("a/#", {2, {0}, 0}));
  CHECK(t.insert("#", {3, {0}, 0}));
  CHECK_FALSE(t.insert("a/+", {1, {2}, 7})); // replaces [MQTT-3.8.4-3]
  CHECK(t.size() == 3);
  CHECK(clients(t, "a/b") == std::set<std::uint64_t>{1, 2, 3});
  CHECK(clients(t, "a") == std::set<std::uint64_t>{2, 3});
  CHECK(clients(t, "$SYS/a") == std::set<std::uint64_t>{}); // [MQTT-4.7.2-1]
  match_result r;
  t.match("a/x", r);
  const auto it =
      std::find_if(r.direct.begin(), r.direct.end(), [](auto* s) { return s->client == 1; });
  REQUIRE(it != r.direct.end());
  CHECK((*it)->subscription_id == 7);
  CHECK((*it)->options.qos == 2);
  CHECK(t.erase("a/+", 1));
  CHECK_FALSE(t.erase("a/+", 1));
  CHECK_FALSE(t.erase("x/y/z", 1));
  CHECK(clients(t, "a/b") == std::set<std::uint64_t>{2, 3});
  CHECK(t.erase("a/#", 2));
  CHECK(t.erase("#", 3));
  CHECK(t.size() == 0);
  CHECK(clients(t, "a/b").empty());
}

TEST_CASE("shared subscriptions are matched as groups", "[trie][shared]") {
  subscription_trie t;
  t.insert("$share/g/a/+", {1, {}, 0});
  t.insert("$share/g/a/+", {2, {}, 0});
  t.insert("$share/h/a/+", {3, {}, 0});
  t.insert("a/+", {4, {}, 0});
  match_result r;
  t.match("a/b", r);
  CHECK(r.direct.size() == 1);
  REQUIRE(r.groups.size() == 2);
  const auto* g = r.groups[0]->name == "g" ? r.groups[0] : r.groups[1];
  CHECK(g->members.size() == 2);
  CHECK(t.erase("$share/g/a/+", 1));
  CHECK(t.erase("$share/g/a/+", 2));
  r.clear();
  t.match("a/b", r);
  CHECK(r.groups.size() == 1);
  CHECK(t.size() == 2);
}

TEST_CASE("the trie agrees with the naive matcher on random filters and topics",
          "[trie][property]") {
  std::mt19937_64 rng(2024);
  const char* levels[] = {"a", "b", "c", "", "$x", "+", "#"};
  auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  auto random_topic = [&](bool filter) {
    std::string s;
    const auto n = 1 + pick(4);
    for (std::size_t i = 0; i < n; ++i) {
      if (i) s += '/';
      s += levels[pick(filter ? 7 : 5)];
    }
    return s;
  };
  for (int round = 0; round < 50; ++round) {
    subscription_trie t;
    std::map<std::uint64_t, std::string> subs;
    for (std::uint64_t c = 0; c < 60; ++c) {
      auto f = random_topic(true);
      if (validate_filter(f)) continue;
      t.insert(f, {c, {}, 0});
      subs[c] = f;
    }
    // Remove a few again, so pruning is exercised too.
    for (std::uint64_t c = 0; c < 60; c += 7)
      if (subs.count(c)) {
        REQUIRE(t.erase(subs[c], c));
        subs.erase(c);
      }
    for (int q = 0; q < 200; ++q) {
      const auto name = random_topic(false);
      std::set<std::uint64_t> expected;
      for (const auto& [c, f] : subs)
        if (match(f, name)) expected.insert(c);
      INFO(name);
      REQUIRE(clients(t, name) == expected);
    }
  }
}
