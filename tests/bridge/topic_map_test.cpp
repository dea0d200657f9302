// SPDX-License-Identifier: MIT
// A bridge's topic rules: subscriptions on each side, names mapped each way (mosquitto.conf(5)'s
// table of prefixes).
#include <catch2/catch.hpp>

#include "mqtk/bridge/topic_map.hpp"

using namespace mqtk::bridge;

namespace {
topic_rule rule(std::string pattern, direction d, std::uint8_t qos, std::string local = {},
                std::string remote = {}) {
  return topic_rule{std::move(pattern), d, qos, std::move(local), std::move(remote)};
}
} // namespace

TEST_CASE("bridge rules subscribe each side with the prefixes before the pattern", "[bridge]") {
  const topic_map m({rule("s/#", direction::out, 1, "L/", "R/"), rule("c/+", direction::in, 2),
                     rule("#", direction::both, 0, "", "site/")});
  const auto local = m.local_subscriptions();
  REQUIRE(local.size() == 2);
  CHECK(local[0].filter == "L/s/#");
  CHECK(local[0].qos == 1);
  CHECK(local[1].filter == "#");
  const auto remote = m.remote_subscriptions();
  REQUIRE(remote.size() == 2);
  CHECK(remote[0].filter == "c/+");
  CHECK(remote[0].qos == 2);
  CHECK(remote[1].filter == "site/#");
}

TEST_CASE("bridge names: the prefix of one side is replaced by the other's", "[bridge]") {
  const topic_map m(
      {rule("s/#", direction::out, 1, "L/", "R/"), rule("c/#", direction::in, 2, "L/", "R/")});
  CHECK(m.to_remote("L/s/t")->topic == "R/s/t");
  CHECK(m.to_remote("L/s/t")->qos == 1);
  CHECK_FALSE(m.to_remote("s/t"));   // not under the local prefix
  CHECK_FALSE(m.to_remote("L/c/x")); // an in rule sends nothing out
  CHECK(m.to_local("R/c/x")->topic == "L/c/x");
  CHECK_FALSE(m.to_local("R/s/t")); // an out rule takes nothing in
}

TEST_CASE("an empty pattern maps a single topic named by the prefixes", "[bridge]") {
  const topic_map m({rule("", direction::both, 1, "local/status", "remote/status")});
  CHECK(m.local_subscriptions()[0].filter == "local/status");
  CHECK(m.to_remote("local/status")->topic == "remote/status");
  CHECK(m.to_local("remote/status")->topic == "local/status");
  CHECK_FALSE(m.to_remote("local/status/x"));
}

TEST_CASE("overlapping rules: the first that matches decides, so nothing goes twice", "[bridge]") {
  const topic_map m(
      {rule("a/#", direction::out, 0, "", "one/"), rule("#", direction::out, 2, "", "two/")});
  CHECK(m.to_remote("a/b")->topic == "one/a/b");
  CHECK(m.to_remote("a/b")->qos == 0);
  CHECK(m.to_remote("z")->topic == "two/z");
}
