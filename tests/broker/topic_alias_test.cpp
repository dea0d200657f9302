// SPDX-License-Identifier: MIT
// Outbound Topic Aliases: the broker names a topic once per connection, then sends its alias
// alone, within the Topic Alias Maximum the client announced [MQTT-3.3.2-11].
#include "harness.hpp"

using namespace mqtk;
using namespace mqtk::testing;

namespace {

connection_id subscriber(harness& h, std::uint16_t alias_max, std::uint32_t max_packet = 0) {
  const auto c = h.core.on_accept(h.now).value();
  codec::connect p;
  p.client_id = "s";
  if (alias_max != 0) p.props.topic_alias_maximum = alias_max;
  if (max_packet != 0) p.props.maximum_packet_size = max_packet;
  h.send(c, p);
  h.received(c);
  h.send(c, subscribe{1, {{"#", {0}}}, {}});
  h.received(c);
  return c;
}

struct seen {
  std::string topic;
  std::uint16_t alias;
};

std::vector<seen> aliases_of(harness& h, connection_id c) {
  std::vector<seen> out;
  for (const auto& p : h.received(c)) {
    const auto& m = std::get<publish>(p);
    out.push_back({m.topic, m.props.topic_alias.value_or(0)});
  }
  return out;
}

} // namespace

TEST_CASE("the broker aliases long topics, reuses them, gives up the least recently used",
          "[alias]") {
  harness h(quiet());
  const auto s = subscriber(h, 2);
  const auto pub = h.connect("p");
  h.received(pub);
  for (const char* t : {"sensors/room1", "sensors/room1", "sensors/room2", "sensors/room1",
                        "sensors/room3", "ab", "sensors/room2"})
    h.send(pub, publish{t, "x", 0, 0, false, false, {}});
  const auto got = aliases_of(h, s);
  REQUIRE(got.size() == 7);
  CHECK((got[0].topic == "sensors/room1" && got[0].alias == 1)); // named, and aliased
  CHECK((got[1].topic.empty() && got[1].alias == 1));            // the alias alone
  CHECK((got[2].topic == "sensors/room2" && got[2].alias == 2));
  CHECK((got[3].topic.empty() && got[3].alias == 1));
  CHECK((got[4].topic == "sensors/room3" && got[4].alias == 2)); // room2 was least recent
  CHECK((got[5].topic == "ab" && got[5].alias == 0));            // too short to be worth one
  CHECK((got[6].topic == "sensors/room2" && got[6].alias == 1)); // room1's slot, named anew
}

TEST_CASE("no aliases for a client that announced none, nor for 3.1.1", "[alias]") {
  harness h(quiet());
  const auto s = subscriber(h, 0);
  const auto pub = h.connect("p");
  h.received(pub);
  h.send(pub, publish{"sensors/room1", "x", 0, 0, false, false, {}});
  h.send(pub, publish{"sensors/room1", "x", 0, 0, false, false, {}});
  for (const auto& g : aliases_of(h, s))
    CHECK((g.topic == "sensors/room1" && g.alias == 0));
}

TEST_CASE("a message too large for the client teaches it no alias", "[alias]") {
  harness h(quiet());
  const auto s = subscriber(h, 4, 64);
  const auto pub = h.connect("p");
  h.received(pub);
  h.send(pub, publish{"sensors/room1", std::string(100, 'x'), 0, 0, false, false, {}});
  h.send(pub, publish{"sensors/room1", "small", 0, 0, false, false, {}});
  const auto got = aliases_of(h, s);
  REQUIRE(got.size() == 1); // the large one was skipped [MQTT-3.1.2-25]
  CHECK((got[0].topic == "sensors/room1" && got[0].alias == 1));
}
