// SPDX-License-Identifier: MIT
// What a bridge owes the other broker, across losses of the link.
#include <catch2/catch.hpp>

#include "mqtk/bridge/outbound_queue.hpp"

using namespace mqtk::bridge;

TEST_CASE("the outbound queue: bounded, and what was in flight goes first again, in order",
          "[bridge]") {
  outbound_queue q(4);
  for (int i = 1; i <= 5; ++i)
    CHECK(q.push(mqtk::codec::publish{"t", std::to_string(i), 0, 1, false, false, {}}) == (i <= 4));
  auto one = q.take().value();
  auto two = q.take().value();
  q.in_flight(7, two); // sent in this order, under ids that do not sort that way
  q.in_flight(9, one);
  CHECK(q.size() == 4); // still held: in flight counts against the bound
  CHECK(q.done(9));
  CHECK_FALSE(q.done(9));
  q.requeue();
  CHECK(q.unacknowledged() == 0);
  std::vector<std::string> order;
  while (auto m = q.take())
    order.push_back(m->payload);
  CHECK(order == std::vector<std::string>{"2", "3", "4"});
}
