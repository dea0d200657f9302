// SPDX-License-Identifier: MIT
// The conformance tables against the real mqtk-broker over loopback; after every case a fresh
// client must still be served, so no sequence may crash or stall the broker.
#include <catch2/catch.hpp>

#include <map>
#include <memory>

#include "broker_process.hpp"
#include "mqtk/codec/decoder.hpp"
#include "runner.hpp"

using namespace mqtk;
using mqtk::conformance::step;
using mqtk::testing::broker_process;
using mqtk::testing::raw_client;
using namespace std::chrono_literals;

namespace {

void run_case(std::uint16_t port, const conformance::test_case& tc) {
  std::map<std::string, std::unique_ptr<raw_client>> clients;
  for (std::size_t i = 0; i < tc.steps.size(); ++i) {
    const auto& s = tc.steps[i];
    INFO("step " << i + 1 << " client " << s.client);
    auto& c = clients[s.client];
    if (!c) c = std::make_unique<raw_client>(port);
    REQUIRE(c->connected());
    switch (s.what) {
    case step::kind::send:
      c->send(s.bytes);
      break;
    case step::kind::expect:
      CHECK(to_hex(c->read_exactly(s.bytes.size(), 3000ms)) == to_hex(s.bytes));
      break;
    case step::kind::expect_disconnect:
    case step::kind::expect_connack: {
      const auto packet = c->read_packet(3000ms);
      if (std::string why; !conformance::matches(s, packet, why)) FAIL_CHECK(why);
      break;
    }
    case step::kind::expect_closed: {
      buffer extra;
      CHECK(c->closed_within(3000ms, extra));
      CHECK(to_hex(extra) == "");
      break;
    }
    case step::kind::expect_nothing:
      CHECK(to_hex(c->read_exactly(1, 150ms)) == "");
      break;
    case step::kind::close:
      c->close();
      break;
    case step::kind::tick:
      FAIL("tick in a live case");
      break;
    }
  }
}

void check_still_serving(std::uint16_t port) {
  raw_client probe(port);
  REQUIRE(probe.connected());
  // CONNECT 3.1.1, client id "probe"; the broker must answer CONNACK accepted.
  const auto connect = from_hex("10 11 00 04 4d 51 54 54 04 02 00 3c 00 05 70 72 6f 62 65").value();
  probe.send(connect);
  CHECK(to_hex(probe.read_exactly(4, 3000ms)) == "20 02 00 00");
}

} // namespace

TEST_CASE("conformance tables against the running broker", "[conformance][live]") {
  static const auto cases =
      conformance::load_tables(MQTK_CONFORMANCE_DIR); // Catch reruns the body per section
  for (const auto& tc : cases) {
    if (tc.sans_io_only) continue;
    DYNAMIC_SECTION(tc.file << " (" << tc.version << "): " << tc.name) {
      broker_process broker(MQTK_BROKER_BIN,
                            {"--sys-interval", "0", "--max-packet-size", "1048576"});
      run_case(broker.port(), tc);
      check_still_serving(broker.port());
      CHECK(broker.stop() == 0);
    }
  }
}

TEST_CASE("SIGTERM: v5 clients get DISCONNECT 0x8B, then the broker exits 0", "[live][shutdown]") {
  broker_process broker(MQTK_BROKER_BIN, {"--sys-interval", "0", "--max-packet-size", "1048576"});
  raw_client v5(broker.port());
  raw_client v311(broker.port());
  v5.send(from_hex("10 0e 00 04 4d 51 54 54 05 02 00 3c 00 00 01 61").value());
  v311.send(from_hex("10 0d 00 04 4d 51 54 54 04 02 00 3c 00 01 62").value());
  REQUIRE(v5.read_packet(3000ms).size() > 2);                     // CONNACK
  REQUIRE(to_hex(v311.read_exactly(4, 3000ms)) == "20 02 00 00"); // CONNACK
  CHECK(broker.stop() == 0);
  const auto d = codec::decode(v5.read_packet(3000ms), codec::protocol_version::v5);
  REQUIRE(d);
  CHECK(std::get<codec::disconnect>(*d).code == reason_code::server_shutting_down);
  buffer extra;
  CHECK(v311.closed_within(3000ms, extra));
  CHECK(to_hex(extra) == "");
}
