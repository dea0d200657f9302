// SPDX-License-Identifier: MIT
// Topic alias tables in both directions.
#include <catch2/catch.hpp>

#include "mqtk/core/errc.hpp"
#include "mqtk/topic/topic_alias.hpp"

using namespace mqtk;
using namespace mqtk::topic;

TEST_CASE("inbound aliases map, resolve and reject", "[alias]") {
  inbound_aliases in(2);
  CHECK(in.resolve(1, "a/b").value() == "a/b");
  CHECK(in.resolve(1, "").value() == "a/b");
  CHECK(in.resolve(1, "c").value() == "c");                       // remapped
  CHECK(in.resolve(2, "").error() == errc::topic_alias_invalid);  // never mapped
  CHECK(in.resolve(3, "x").error() == errc::topic_alias_invalid); // over the maximum
  CHECK(in.resolve(0, "x").error() == errc::topic_alias_invalid);
  inbound_aliases none;
  CHECK(none.resolve(1, "x").error() == errc::topic_alias_invalid);
}

TEST_CASE("outbound aliases reuse and replace least recently used", "[alias]") {
  outbound_aliases out(2);
  auto a = out.assign("a");
  CHECK(a.alias == 1);
  CHECK(a.send_topic);
  auto b = out.assign("b");
  CHECK(b.alias == 2);
  auto a2 = out.assign("a");
  CHECK(a2.alias == 1);
  CHECK_FALSE(a2.send_topic);
  auto c = out.assign("c"); // replaces "b", the least recently used
  CHECK(c.alias == 2);
  CHECK(c.send_topic);
  CHECK(out.assign("a").alias == 1);
  CHECK(out.assign("b").send_topic);
  outbound_aliases none;
  CHECK(none.assign("x").alias == 0);
}

TEST_CASE("peek answers as assign would, and learns nothing", "[alias]") {
  outbound_aliases out(2);
  CHECK(out.peek("a").alias == 1);
  CHECK(out.peek("a").send_topic);
  CHECK(out.assign("a").alias == 1); // peek did not take slot 1
  CHECK_FALSE(out.peek("a").send_topic);
  out.assign("b");
  out.assign("a");
  const auto c = out.peek("c"); // would replace b, the least recently used
  CHECK(c.alias == 2);
  CHECK(c.send_topic);
  CHECK_FALSE(out.assign("b").send_topic); // still b's: peek replaced nothing
  CHECK(outbound_aliases{}.peek("x").alias == 0);
}
