// SPDX-License-Identifier: MIT
// The access-policy seam of broker_core: verdicts now or later, and the topic checks.
#include <set>

#include "harness.hpp"

using namespace mqtk;
using namespace mqtk::testing;
using namespace std::chrono_literals;

namespace {

// A policy driven by the test: a verdict for CONNECT (pending by default) and topic rules.
struct scripted_policy final : access_policy {
  verdict answer = verdict::pending;
  std::vector<std::string> asked; // "user:client" per authenticate()
  std::set<std::string> no_publish, no_subscribe, no_receive;
  std::vector<std::string> receive_checks; // "user:topic"
  verdict authenticate(const auth_request& r) override {
    asked.push_back(std::string(r.username.value_or("-")) + ":" + std::string(r.client_id));
    return answer;
  }
  bool may_publish(const client_ref&, std::string_view topic, std::uint8_t, bool) override {
    return no_publish.count(std::string(topic)) == 0;
  }
  bool may_subscribe(const client_ref&, std::string_view filter, std::uint8_t) override {
    return no_subscribe.count(std::string(filter)) == 0;
  }
  bool may_receive(const client_ref& who, std::string_view topic) override {
    receive_checks.push_back(std::string(who.username.value_or("-")) + ":" + std::string(topic));
    return no_receive.count(std::string(topic)) == 0;
  }
};

buffer bytes_of(std::initializer_list<packet> ps, protocol_version v = protocol_version::v5) {
  buffer b;
  for (const auto& p : ps)
    REQUIRE(encode(p, v, b));
  return b;
}

codec::connect connect_as(std::string id, std::optional<std::string> user) {
  codec::connect p;
  p.client_id = std::move(id);
  p.username = std::move(user);
  if (p.username) p.password = "secret";
  return p;
}

} // namespace

TEST_CASE("a pending verdict holds the CONNECT and what follows it until complete_auth()",
          "[policy]") {
  harness h(quiet());
  auto policy = std::make_shared<scripted_policy>();
  h.core.set_access_policy(policy);
  policy->answer = verdict::allow;
  const auto sub = h.connect("sub");
  h.received(sub);
  h.send(sub, subscribe{1, {{"t", {1}}}, {}});
  h.received(sub);

  policy->answer = verdict::pending;
  const auto c = h.core.on_accept(h.now).value();
  // CONNECT and a PUBLISH in one read: the PUBLISH must wait for the verdict.
  auto b = bytes_of({connect_as("pub", "alice"), publish{"t", "held", 7, 1, false, false, {}}});
  h.core.on_bytes(c, b, h.now);
  std::fill(b.begin(), b.end(), std::uint8_t{0}); // the reader's buffer is reused meanwhile
  CHECK(policy->asked.back() == "alice:pub");
  CHECK_FALSE(h.core.wants_read(c));
  CHECK(h.received(c).empty());
  CHECK(h.received(sub).empty());

  h.core.complete_auth(c, verdict::allow, h.now);
  const auto got = h.received(c);
  REQUIRE(got.size() == 2);
  CHECK(std::get<connack>(got[0]).code == reason_code::success);
  CHECK(std::get<puback>(got[1]).packet_id == 7);
  CHECK(h.core.wants_read(c));
  CHECK(h.core.take_resumed() == std::vector<connection_id>{c});
  const auto delivered = h.received(sub);
  REQUIRE(delivered.size() == 1);
  CHECK(std::get<publish>(delivered[0]).payload == "held");
  CHECK(policy->receive_checks.back() == "-:t"); // sub connected without a user name
}

TEST_CASE("verdicts map to CONNACK codes in both versions (section 3.2.2.2)", "[policy]") {
  auto policy = std::make_shared<scripted_policy>();
  for (const auto v : {protocol_version::v5, protocol_version::v311}) {
    for (const auto answer : {verdict::bad_credentials, verdict::not_authorized}) {
      harness h(quiet());
      h.core.set_access_policy(policy);
      policy->answer = answer;
      const auto c = h.core.on_accept(h.now).value();
      auto p = connect_as("x", "bob");
      p.version = v;
      h.send(c, p, v);
      const auto got = h.received(c, v);
      REQUIRE(got.size() == 1);
      CHECK(std::get<connack>(got[0]).code == (answer == verdict::bad_credentials
                                                   ? reason_code::bad_user_name_or_password
                                                   : reason_code::not_authorized));
      CHECK(h.core.take_closing() == std::vector<connection_id>{c});
    }
  }
}

TEST_CASE("a late refusal closes, an answer for a closed connection is a no-op", "[policy]") {
  harness h(quiet());
  auto policy = std::make_shared<scripted_policy>();
  h.core.set_access_policy(policy);
  const auto c = h.core.on_accept(h.now).value();
  h.send(c, connect_as("x", "bob"));
  h.core.complete_auth(c, verdict::bad_credentials, h.now);
  CHECK(std::get<connack>(h.received(c).at(0)).code == reason_code::bad_user_name_or_password);
  CHECK(h.core.take_closing() == std::vector<connection_id>{c});
  h.core.on_closed(c, h.now);
  h.core.complete_auth(c, verdict::allow, h.now); // gone: nothing happens
  CHECK(h.core.take_ready().empty());
  CHECK(h.core.session_count() == 0);
}

TEST_CASE("a policy that never answers meets the CONNECT deadline [MQTT-3.1.0-1]", "[policy]") {
  harness h(quiet());
  h.core.set_access_policy(std::make_shared<scripted_policy>());
  const auto c = h.core.on_accept(h.now).value();
  h.send(c, connect_as("x", "bob"));
  h.now += 9s;
  h.core.on_tick(h.now);
  CHECK(h.core.take_closing().empty());
  h.now += 1s;
  h.core.on_tick(h.now);
  CHECK(h.core.take_closing() == std::vector<connection_id>{c});
}

TEST_CASE("topic rules: publish, subscribe and receive refused per topic", "[policy]") {
  harness h(quiet());
  auto policy = std::make_shared<scripted_policy>();
  policy->answer = verdict::allow;
  policy->no_publish = {"closed"};
  policy->no_subscribe = {"secret/#"};
  policy->no_receive = {"private"};
  h.core.set_access_policy(policy);
  const auto sub = h.connect("sub");
  h.received(sub);
  h.send(sub, subscribe{1, {{"#", {1}}, {"secret/#", {1}}}, {}});
  const auto ack = std::get<suback>(h.received(sub).at(0));
  CHECK(ack.codes ==
        std::vector<reason_code>{reason_code::granted_qos_1, reason_code::not_authorized});
  const auto pub = h.connect("pub");
  h.received(pub);
  h.send(pub, publish{"closed", "x", 1, 1, false, false, {}});
  h.send(pub, publish{"closed", "x", 2, 2, false, false, {}});
  h.send(pub, publish{"private", "x", 3, 1, false, false, {}});
  h.send(pub, publish{"open", "x", 4, 1, false, false, {}});
  const auto acks = h.received(pub);
  REQUIRE(acks.size() == 4);
  CHECK(std::get<puback>(acks[0]).code == reason_code::not_authorized);
  CHECK(std::get<pubrec>(acks[1]).code == reason_code::not_authorized);
  CHECK(std::get<puback>(acks[2]).code == reason_code::success);
  CHECK(std::get<puback>(acks[3]).code == reason_code::success);
  const auto got = h.received(sub);
  REQUIRE(got.size() == 1); // "private" was routed but not to a reader without read access
  CHECK(std::get<publish>(got[0]).topic == "open");
}

TEST_CASE("3.1.1: a refused publish is acknowledged and dropped, SUBACK says 0x80", "[policy]") {
  const auto v = protocol_version::v311;
  harness h(quiet());
  auto policy = std::make_shared<scripted_policy>();
  policy->answer = verdict::allow;
  policy->no_publish = {"closed"};
  policy->no_subscribe = {"secret"};
  h.core.set_access_policy(policy);
  const auto sub = h.connect("sub", v);
  h.received(sub, v);
  h.send(sub, subscribe{1, {{"#", {2}}, {"secret", {0}}}, {}}, v);
  CHECK(std::get<suback>(h.received(sub, v).at(0)).codes ==
        std::vector<reason_code>{reason_code::granted_qos_2, reason_code::unspecified_error});
  const auto pub = h.connect("pub", v);
  h.received(pub, v);
  h.send(pub, publish{"closed", "x", 5, 2, false, false, {}}, v);
  h.send(pub, pubrel{5, reason_code::success, {}}, v);
  const auto acks = h.received(pub, v);
  REQUIRE(acks.size() == 2);
  CHECK(std::get<pubrec>(acks[0]).packet_id == 5);
  CHECK(std::get<pubcomp>(acks[1]).packet_id == 5);
  CHECK(h.received(sub, v).empty());
  CHECK(h.core.statistics().publish_dropped == 1);
}

TEST_CASE("the default policy is allow_anonymous and open topics", "[policy]") {
  auto cfg = quiet();
  cfg.allow_anonymous = false;
  harness h(cfg);
  const auto anon = h.connect("a");
  CHECK(std::get<connack>(h.received(anon).at(0)).code == reason_code::not_authorized);
  const auto c = h.core.on_accept(h.now).value();
  h.send(c, connect_as("b", "carol"));
  CHECK(std::get<connack>(h.received(c).at(0)).code == reason_code::success);
}
