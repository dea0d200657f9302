// SPDX-License-Identifier: MIT
// While the store cannot save (set_store_failing), nothing that needs a save is acknowledged:
// v5 hears 0x80, 3.1.1 loses the connection; what needs no disk goes on as before.
#include "harness.hpp"

using namespace mqtk;
using namespace mqtk::testing;

namespace {

config journaled() {
  auto c = quiet();
  c.journal = true;
  return c;
}

// A v5 session that outlives its connection, subscribed to `filter` at QoS 1.
connection_id durable(harness& h, const std::string& id, const std::string& filter) {
  const auto c = h.core.on_accept(h.now).value();
  codec::connect p;
  p.client_id = id;
  p.props.session_expiry_interval = 3600;
  h.send(c, p);
  h.send(c, subscribe{1, {{filter, {1}}}, {}});
  REQUIRE(h.received(c).size() == 2);
  return c;
}

reason_code puback_code(const std::vector<packet>& got) {
  REQUIRE(got.size() == 1);
  return std::get<puback>(got[0]).code;
}

} // namespace

TEST_CASE("while the store fails, a publish that must be saved is refused", "[store]") {
  harness h(journaled());
  durable(h, "keeper", "kept/#");
  const auto clean = h.connect("clean-sub");
  h.send(clean, subscribe{1, {{"free/#", {1}}}, {}});
  h.received(clean);
  const auto v5 = h.connect("pub5");
  h.received(v5);
  h.core.take_journal();
  h.core.set_store_failing(true);

  h.send(v5, publish{"kept/a", "x", 1, 1, false, false, {}});
  CHECK(puback_code(h.received(v5)) == reason_code::unspecified_error);
  h.send(v5, publish{"free/a", "x", 2, 1, true, false, {}}); // retained: saved
  CHECK(puback_code(h.received(v5)) == reason_code::unspecified_error);
  h.send(v5, publish{"free/a", "x", 3, 1, false, false, {}}); // only a clean session: no disk
  CHECK(puback_code(h.received(v5)) == reason_code::success);
  CHECK(h.received(clean).size() == 1);
  h.send(v5, publish{"kept/q2", "x", 4, 2, false, false, {}});
  const auto rec = h.received(v5);
  REQUIRE(rec.size() == 1);
  CHECK(std::get<pubrec>(rec[0]).code == reason_code::unspecified_error);
  // Nothing refused was journaled: no message, no retained change.
  for (const auto& r : h.core.take_journal()) {
    CHECK_FALSE(std::holds_alternative<journal::message_stored>(r));
    CHECK_FALSE(std::holds_alternative<journal::retained_set>(r));
  }

  // 3.1.1 acknowledgements carry no code: the connection is closed instead.
  const auto v311 = h.connect("pub311", protocol_version::v311);
  h.received(v311, protocol_version::v311);
  h.send(v311, publish{"kept/b", "x", 1, 1, false, false, {}}, protocol_version::v311);
  CHECK(h.received(v311, protocol_version::v311).empty());
  const auto closing = h.core.take_closing();
  CHECK(std::find(closing.begin(), closing.end(), v311) != closing.end());

  h.core.set_store_failing(false);
  h.send(v5, publish{"kept/a", "x", 5, 1, false, false, {}});
  CHECK(puback_code(h.received(v5)) == reason_code::success);
}

TEST_CASE("while the store fails, a durable session's SUBSCRIBE and PUBREL wait", "[store]") {
  harness h(journaled());
  const auto d = durable(h, "keeper", "kept/#");
  h.send(d, publish{"x/y", "1", 7, 2, false, false, {}});
  REQUIRE(h.received(d).size() == 1); // PUBREC, saved with the rest
  h.core.take_journal();
  h.core.set_store_failing(true);

  h.send(d, subscribe{2, {{"more/#", {1}}}, {}});
  const auto got = h.received(d);
  REQUIRE(got.size() == 1);
  CHECK(std::get<suback>(got[0]).codes == std::vector<reason_code>{reason_code::unspecified_error});
  // A PUBCOMP whose release is not saved could let a restart swallow the next message under
  // id 7: the connection is closed and the client sends PUBREL again.
  h.send(d, pubrel{7, reason_code::success, {}});
  const auto after = h.received(d);
  REQUIRE(after.size() == 1);
  CHECK(std::get<disconnect>(after[0]).code == reason_code::unspecified_error);

  // A clean session subscribes as usual.
  const auto clean = h.connect("clean");
  h.received(clean);
  h.send(clean, subscribe{1, {{"more/#", {1}}}, {}});
  CHECK(std::get<suback>(h.received(clean)[0]).codes ==
        std::vector<reason_code>{reason_code::granted_qos_1});
}
