// SPDX-License-Identifier: MIT
// mount_point: a listener's clients see and reach only their part of the tree.
#include "harness.hpp"

using namespace mqtk;
using namespace mqtk::testing;

namespace {

config mounted() {
  auto c = quiet();
  c.mount_points = {"", "site1/"}; // listener 0 plain, listener 1 under site1/
  return c;
}

connection_id join(harness& h, const std::string& id, std::uint16_t listener) {
  const auto c = h.core.on_accept(h.now, listener).value();
  codec::connect p;
  p.client_id = id;
  h.send(c, p);
  (void)h.received(c);
  return c;
}

std::vector<std::string> topics(harness& h, connection_id c) {
  std::vector<std::string> r;
  for (const auto& p : h.received(c))
    if (const auto* m = std::get_if<codec::publish>(&p)) r.push_back(m->topic);
  return r;
}

} // namespace

TEST_CASE("mount_point: topics in get the prefix, topics out lose it", "[mount]") {
  harness h(mounted());
  const auto outside = join(h, "outside", 0);
  const auto inside = join(h, "inside", 1);
  const auto peer = join(h, "peer", 1);
  h.send(outside, codec::subscribe{1, {{"#", {0}}}, {}});
  h.send(inside, codec::subscribe{1, {{"#", {0}}, {"$share/g/t/+", {0}}}, {}});
  (void)h.received(outside);
  (void)h.received(inside);
  h.send(peer, codec::publish{"t/1", "x", 0, 0, false, false, {}});
  CHECK(topics(h, outside) == std::vector<std::string>{"site1/t/1"});
  CHECK(topics(h, inside) == std::vector<std::string>{"t/1", "t/1"}); // # and the shared one
  h.send(outside, codec::publish{"elsewhere", "x", 0, 0, false, false, {}});
  CHECK(topics(h, inside).empty()); // outside its part of the tree
  h.send(outside, codec::publish{"site1/from-outside", "x", 0, 0, true, false, {}});
  CHECK(topics(h, inside) == std::vector<std::string>{"from-outside"});
  // Retained messages on subscribe, and UNSUBSCRIBE, under the prefix too.
  const auto late = join(h, "late", 1);
  h.send(late, codec::subscribe{1, {{"from-outside", {0}}}, {}});
  CHECK(topics(h, late) == std::vector<std::string>{"from-outside"});
  h.send(late, codec::unsubscribe{2, {"from-outside"}, {}});
  const auto unsuback = h.received(late);
  REQUIRE(unsuback.size() == 1);
  CHECK(std::get<codec::unsuback>(unsuback[0]).codes.at(0) == reason_code::success);
}

TEST_CASE("mount_point: a will goes under the prefix", "[mount]") {
  harness h(mounted());
  const auto outside = join(h, "outside", 0);
  h.send(outside, codec::subscribe{1, {{"site1/#", {0}}}, {}});
  (void)h.received(outside);
  const auto c = h.core.on_accept(h.now, 1).value();
  codec::connect p;
  p.client_id = "dies";
  p.will = codec::will_message{"gone", "x", 0, false, {}};
  h.send(c, p);
  h.core.on_closed(c, h.now);
  CHECK(topics(h, outside) == std::vector<std::string>{"site1/gone"});
}
