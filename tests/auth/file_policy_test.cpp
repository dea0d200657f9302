// SPDX-License-Identifier: MIT
// file_policy on broker_core (sans-IO, a fake credential checker): who gets in with which
// code, what the ACL does to PUBLISH, SUBSCRIBE, delivery and wills, a reload's re-check of
// subscriptions, and the core's own rules that need no policy ($SYS, max_connections).
#include <set>

#include "harness.hpp"
#include "mqtk/auth/file_policy.hpp"

using namespace mqtk;
using namespace mqtk::testing;
using namespace mqtk::auth;

namespace {

struct fake_checker final : credential_checker {
  struct job {
    std::uint64_t id;
    std::string user, password;
    password_entry entry;
    bool exists;
  };
  std::vector<job> jobs;
  std::set<std::string> good; // "user:password" known to match
  bool known_good(std::string_view user, const password_entry&, std::string_view pw) override {
    return good.count(std::string(user) + ":" + std::string(pw)) != 0;
  }
  void check(std::uint64_t id, std::string user, password_entry e, std::string pw,
             bool exists) override {
    jobs.push_back({id, std::move(user), std::move(pw), std::move(e), exists});
  }
};

std::shared_ptr<const password_table> users(std::initializer_list<std::string> names,
                                            unsigned iterations = 5000) {
  auto t = std::make_shared<password_table>();
  for (const auto& n : names)
    t->users[n] =
        password_entry{hash_kind::sha512_pbkdf2, iterations, "salt", std::string(64, 'x'), {}};
  return t;
}

std::shared_ptr<const acl_table> acl(std::string_view text) {
  std::vector<file_problem> problems;
  auto t = std::make_shared<acl_table>(parse_acl_file(text, problems));
  REQUIRE(problems.empty());
  return t;
}

connection_id join(harness& h, std::string id, std::optional<std::string> user,
                   protocol_version v = protocol_version::v5,
                   std::optional<codec::will_message> will = std::nullopt) {
  const auto c = h.core.on_accept(h.now).value();
  codec::connect p;
  p.version = v;
  p.client_id = std::move(id);
  p.username = std::move(user);
  if (p.username) p.password = "pw";
  p.will = std::move(will);
  h.send(c, p, v);
  return c;
}

reason_code connack_code(harness& h, connection_id c, protocol_version v = protocol_version::v5) {
  const auto got = h.received(c, v);
  REQUIRE(!got.empty());
  return std::get<connack>(got.front()).code;
}

} // namespace

TEST_CASE("password checks go to the checker, its verdict or a remembered success decides",
          "[file_policy]") {
  harness h(quiet());
  fake_checker checker;
  auto policy = std::make_shared<file_policy>(
      std::vector<security_settings>{{false, users({"alice"}, 7777), nullptr}}, checker);
  h.core.set_access_policy(policy);

  const auto a = join(h, "a", "alice");
  REQUIRE(checker.jobs.size() == 1);
  CHECK(checker.jobs[0].exists);
  CHECK(checker.jobs[0].password == "pw");
  CHECK(h.received(a).empty()); // held
  h.core.complete_auth(a, verdict::allow, h.now);
  CHECK(connack_code(h, a) == reason_code::success);

  // An unknown user is hashed all the same, against an entry like the real ones.
  const auto u = join(h, "u", "mallory");
  REQUIRE(checker.jobs.size() == 2);
  CHECK_FALSE(checker.jobs[1].exists);
  CHECK(checker.jobs[1].entry.iterations == 7777);
  h.core.complete_auth(u, verdict::bad_credentials, h.now);
  CHECK(connack_code(h, u) == reason_code::bad_user_name_or_password);

  checker.good.insert("alice:pw");
  const auto again = join(h, "a2", "alice");
  CHECK(checker.jobs.size() == 2); // no hashing for a remembered success
  CHECK(connack_code(h, again) == reason_code::success);

  for (const auto v : {protocol_version::v5, protocol_version::v311}) {
    const auto anon = join(h, "anon", std::nullopt, v);
    CHECK(connack_code(h, anon, v) == reason_code::not_authorized); // 3.1.1: return code 5
  }
}

TEST_CASE("without a password file, any user name passes allow_anonymous false, as in mosquitto",
          "[file_policy]") {
  harness h(quiet());
  fake_checker checker;
  h.core.set_access_policy(std::make_shared<file_policy>(
      std::vector<security_settings>{{false, nullptr, acl("topic a")}}, checker));
  CHECK(connack_code(h, join(h, "c", "anyone")) == reason_code::success);
  CHECK(connack_code(h, join(h, "d", std::nullopt)) == reason_code::not_authorized);
  CHECK(checker.jobs.empty());
}

TEST_CASE("the ACL answers PUBLISH, SUBSCRIBE, delivery, retained messages and wills",
          "[file_policy]") {
  harness h(quiet());
  fake_checker checker;
  checker.good = {"w:pw", "r:pw"};
  h.core.set_access_policy(std::make_shared<file_policy>(
      std::vector<security_settings>{
          {true, users({"w", "r"}),
           acl("user w\ntopic write t/#\nuser r\ntopic read t/#\ntopic deny t/secret\n")}},
      checker));
  const auto r = join(h, "r", "r");
  const auto w = join(h, "w", "w");
  h.received(r);
  h.received(w);
  h.send(w, publish{"t/retained", "kept", 0, 0, true, false, {}});
  h.send(r, subscribe{1, {{"t/#", {1}}, {"other", {1}}}, {}});
  auto got = h.received(r);
  REQUIRE(got.size() == 2);
  CHECK(std::get<suback>(got[0]).codes ==
        std::vector<reason_code>{reason_code::granted_qos_1, reason_code::not_authorized});
  CHECK(std::get<publish>(got[1]).payload == "kept"); // retained, readable

  h.send(w, publish{"t/secret", "no", 2, 1, false, false, {}});
  h.send(w, publish{"t/open", "yes", 3, 1, false, false, {}});
  h.send(w, publish{"elsewhere", "no", 4, 1, false, false, {}});
  got = h.received(w);
  REQUIRE(got.size() == 3);
  CHECK(std::get<puback>(got[0]).code == reason_code::success); // written, not readable by r
  CHECK(std::get<puback>(got[1]).code == reason_code::success);
  CHECK(std::get<puback>(got[2]).code == reason_code::not_authorized);
  got = h.received(r);
  REQUIRE(got.size() == 1);
  CHECK(std::get<publish>(got[0]).payload == "yes");

  // r may not write: its will is refused at CONNECT; w's is published.
  codec::will_message will;
  will.topic = "t/will";
  will.payload = "bye";
  CHECK(connack_code(h, join(h, "r2", "r", protocol_version::v5, will)) ==
        reason_code::not_authorized);
  const auto w2 = join(h, "w2", "w", protocol_version::v5, will);
  CHECK(connack_code(h, w2) == reason_code::success);
  h.core.on_closed(w2, h.now);
  got = h.received(r);
  REQUIRE(got.size() == 1);
  CHECK(std::get<publish>(got[0]).payload == "bye");
}

TEST_CASE("new rules re-check every session's subscriptions", "[file_policy]") {
  harness h(quiet());
  fake_checker checker;
  checker.good = {"r:pw"};
  auto policy = std::make_shared<file_policy>(
      std::vector<security_settings>{{false, users({"r"}), acl("user r\ntopic read a/#\n")}},
      checker);
  h.core.set_access_policy(policy);
  const auto r = join(h, "r", "r");
  h.send(r, subscribe{1, {{"a/x", {0}}, {"a/y", {0}}}, {}});
  h.received(r);
  policy->replace({{false, users({"r"}), acl("user r\ntopic read a/x\n")}});
  CHECK(h.core.set_access_policy(policy) == 1);
  const auto log = h.core.take_log();
  REQUIRE(log.size() == 1);
  CHECK_THAT(log[0].text, Catch::Contains("a/y") && Catch::Contains("client r"));
  const auto p = join(h, "p", std::nullopt);
  (void)p;
}

TEST_CASE("no client publishes into $SYS, whatever the policy", "[file_policy]") {
  harness h(quiet()); // the open policy
  const auto c = h.connect("c");
  h.received(c);
  h.send(c, publish{"$SYS/broker/fake", "spoof", 1, 1, false, false, {}});
  h.send(c, publish{"$SYSTEM/ok", "fine", 2, 1, false, false, {}});
  const auto got = h.received(c);
  REQUIRE(got.size() == 2);
  CHECK(std::get<puback>(got[0]).code == reason_code::not_authorized);
  CHECK(std::get<puback>(got[1]).code == reason_code::success);
  codec::will_message will;
  will.topic = "$SYS/will";
  CHECK(connack_code(h, join(h, "w", std::nullopt, protocol_version::v5, will)) ==
        reason_code::not_authorized);
}

TEST_CASE("a bridge announces its own state under $SYS/broker/connection, no other's",
          "[file_policy]") {
  harness h(quiet());
  codec::will_message will;
  will.topic = "$SYS/broker/connection/site.up/state"; // mosquitto's notification, its will
  will.payload = "0";
  will.retain = true;
  CHECK(connack_code(h, join(h, "site.up", std::nullopt, protocol_version::v5, will)) ==
        reason_code::success);
  will.topic = "$SYS/broker/connection/other/state";
  CHECK(connack_code(h, join(h, "site.up2", std::nullopt, protocol_version::v5, will)) ==
        reason_code::not_authorized);
  const auto c = h.connect("b");
  h.received(c);
  h.send(c, publish{"$SYS/broker/connection/b/state", "1", 1, 1, true, false, {}});
  h.send(c, publish{"$SYS/broker/connection/b/state/x", "1", 2, 1, true, false, {}});
  h.send(c, publish{"$SYS/broker/connection/bb/state", "1", 3, 1, true, false, {}});
  const auto got = h.received(c);
  REQUIRE(got.size() == 3);
  CHECK(std::get<puback>(got[0]).code == reason_code::success);
  CHECK(std::get<puback>(got[1]).code == reason_code::not_authorized);
  CHECK(std::get<puback>(got[2]).code == reason_code::not_authorized);
}

TEST_CASE("past max_connections a CONNECT is refused with a code, and a log line",
          "[file_policy]") {
  auto cfg = quiet();
  cfg.lim.max_connections = 2;
  harness h(cfg);
  h.connect("one");
  h.connect("two");
  const auto v5 = join(h, "three", std::nullopt);
  CHECK(connack_code(h, v5) == reason_code::quota_exceeded);
  const auto v3 = join(h, "four", std::nullopt, protocol_version::v311);
  CHECK(connack_code(h, v3, protocol_version::v311) == reason_code::server_unavailable);
  CHECK_THAT(h.core.take_log().at(0).text, Catch::Contains("max_connections (2)"));
  h.core.on_closed(v5, h.now);
  h.core.on_closed(v3, h.now);
  h.core.on_closed(1, h.now); // "one" leaves: a place is free again
  CHECK(connack_code(h, join(h, "five", std::nullopt)) == reason_code::success);
}
