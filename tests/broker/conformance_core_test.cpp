// SPDX-License-Identifier: MIT
// The conformance tables against the sans-IO broker_core, with a fake clock.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "mqtk/broker/broker_core.hpp"
#include "mqtk/codec/decoder.hpp"
#include "runner.hpp"

using namespace mqtk;
using namespace mqtk::broker;
using mqtk::conformance::step;

namespace {

class core_driver {
public:
  core_driver() : core_(test_config()) {}

  static config test_config() {
    config c;
    c.sys_interval = session::duration::zero(); // $SYS would add unrelated bytes
    // The tables' CONNACKs announce 1 MiB, and their hostile cases announce more than that.
    c.lim.max_packet_size = 1024 * 1024;
    return c;
  }

  void run(const conformance::test_case& tc) {
    for (std::size_t i = 0; i < tc.steps.size(); ++i) {
      const auto& s = tc.steps[i];
      INFO("step " << i + 1 << " client " << s.client);
      apply(s);
    }
  }

private:
  connection_id id_of(const std::string& client) {
    if (auto it = ids_.find(client); it != ids_.end()) return it->second;
    const auto id = core_.on_accept(now_);
    REQUIRE(id);
    ids_[client] = *id;
    return *id;
  }

  void pump() {
    for (;;) {
      const auto ready = core_.take_ready();
      const auto closing = core_.take_closing();
      if (ready.empty() && closing.empty()) return;
      output out;
      for (const auto id : ready) {
        core_.take_output(id, out);
        const auto bytes = out.flatten();
        inbox_[id].insert(inbox_[id].end(), bytes.begin(), bytes.end());
      }
      closing_.insert(closing.begin(), closing.end());
    }
  }

  void apply(const step& s) {
    const auto id = id_of(s.client);
    auto& inbox = inbox_[id];
    switch (s.what) {
    case step::kind::send:
      REQUIRE_FALSE(gone_.count(id));
      core_.on_bytes(id, s.bytes, now_);
      break;
    case step::kind::expect: {
      pump();
      const auto got = buffer(inbox.begin(), inbox.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                 inbox.size(), s.bytes.size())));
      CHECK(to_hex(got) == to_hex(s.bytes));
      inbox.erase(inbox.begin(), inbox.begin() + static_cast<std::ptrdiff_t>(got.size()));
      break;
    }
    case step::kind::expect_disconnect:
    case step::kind::expect_connack: {
      pump();
      const auto h = codec::parse_fixed_header(inbox, codec::protocol_version::v5);
      REQUIRE(h);
      REQUIRE(h->has_value());
      REQUIRE((*h)->total() <= inbox.size());
      const buffer packet(inbox.begin(),
                          inbox.begin() + static_cast<std::ptrdiff_t>((*h)->total()));
      inbox.erase(inbox.begin(), inbox.begin() + static_cast<std::ptrdiff_t>(packet.size()));
      if (std::string why; !conformance::matches(s, packet, why)) FAIL_CHECK(why);
      break;
    }
    case step::kind::expect_closed:
      pump();
      CHECK(to_hex(inbox) == "");
      CHECK(closing_.count(id) == 1);
      close(id);
      break;
    case step::kind::expect_nothing:
      pump();
      CHECK(to_hex(inbox) == "");
      CHECK(closing_.count(id) == 0);
      break;
    case step::kind::close:
      close(id);
      break;
    case step::kind::tick:
      now_ = session::time_point{} + std::chrono::milliseconds(s.ms);
      core_.on_tick(now_);
      break;
    }
  }

  void close(connection_id id) {
    if (gone_.insert(id).second) core_.on_closed(id, now_);
    pump();
  }

  broker_core core_;
  session::time_point now_{};
  std::map<std::string, connection_id> ids_;
  std::map<connection_id, buffer> inbox_;
  std::set<connection_id> closing_, gone_;
};

} // namespace

TEST_CASE("conformance tables against broker_core", "[conformance]") {
  static const auto cases =
      conformance::load_tables(MQTK_CONFORMANCE_DIR); // Catch reruns the body per section
  REQUIRE(cases.size() > 0);
  for (const auto& tc : cases) {
    DYNAMIC_SECTION(tc.file << " (" << tc.version << "): " << tc.name) {
      core_driver d;
      d.run(tc);
    }
  }
}

// Catch enters a section once per name: two cases under one name would run only the first (two
// MQTT 5 cases in connect.json once did not run because a 3.1.1 case had their name).
TEST_CASE("the broker table cases have distinct names", "[conformance]") {
  std::set<std::string> names;
  for (const auto& tc : conformance::load_tables(MQTK_CONFORMANCE_DIR)) {
    const auto name = tc.file + " (" + tc.version + "): " + tc.name;
    INFO(name);
    CHECK(names.insert(name).second);
  }
}

TEST_CASE("the tables cite normative statements of both versions", "[conformance]") {
  static const auto cases =
      conformance::load_tables(MQTK_CONFORMANCE_DIR); // Catch reruns the body per section
  const auto v311 = conformance::statement_ids(cases, "3.1.1");
  const auto v5 = conformance::statement_ids(cases, "5");
  std::string list;
  for (const auto& id : v311)
    list += id + " ";
  list += "| ";
  for (const auto& id : v5)
    list += id + " ";
  INFO(list);
  WARN("statements covered: " << v311.size() << " of 3.1.1, " << v5.size() << " of 5.0, "
                              << cases.size() << " cases");
  CHECK(v311.size() + v5.size() >= 30);
}
