// SPDX-License-Identifier: MIT
// SCRAM: verifiers derived as an independent computation (Python's hashlib and hmac) does, the
// client and server sides against each other, and each way a login must fail; then the whole
// exchange through broker_core (CONNECT, AUTH 0x18 both ways, CONNACK with the signature).
#include <set>

#include "harness.hpp"
#include "mqtk/auth/file_policy.hpp"
#include "mqtk/auth/password_hash.hpp"
#include "mqtk/auth/scram.hpp"
#include "mqtk/core/base64.hpp"
#include "mqtk/core/errc.hpp"
#include "mqtk/transport/tls.hpp"

using namespace mqtk;
using namespace mqtk::testing;
using namespace mqtk::auth;

namespace {

const bool module_found = (mqtk::transport::set_module_path(MQTK_OPENSSL_MODULE_PATH), true);

password_entry verifier(hash_kind k, std::string_view password, unsigned iterations = 4096) {
  password_entry e{k, iterations, "mqtk-scram-salt!", {}, {}};
  std::string why;
  REQUIRE(scram::derive(e, password, why));
  return e;
}

std::shared_ptr<const acl_table> acl_for_sam() {
  std::vector<file_problem> problems;
  return std::make_shared<acl_table>(parse_acl_file("user sam\ntopic sam/#\n", problems));
}

std::shared_ptr<password_table> table_with(std::string user, password_entry e) {
  auto t = std::make_shared<password_table>();
  t->users[std::move(user)] = std::move(e);
  return t;
}

// One whole exchange; returns the server's final verdict and what the client made of it.
struct outcome {
  broker::verdict server = broker::verdict::bad_method;
  bool client_accepts = false;
  std::error_code client_error;
  std::optional<std::string> user;
};
outcome run(hash_kind k, std::shared_ptr<const password_table> t, std::string user,
            std::string password) {
  auto client = scram::client(k, std::move(user), std::move(password));
  scram::server_exchange server(k, std::move(t), "secret");
  outcome o;
  auto a = server.first(client->first().value());
  if (a.v != broker::verdict::continue_auth) return o.server = a.v, o;
  auto reply = client->next(a.data);
  if (!reply) return o.client_error = reply.error(), o;
  auto last = server.final(*reply);
  o.server = last.v;
  o.user = last.username;
  if (last.v == broker::verdict::allow) {
    auto ok = client->finish(last.data);
    o.client_accepts = static_cast<bool>(ok);
    if (!ok) o.client_error = ok.error();
  }
  return o;
}

} // namespace

TEST_CASE("SCRAM verifiers match an independent derivation", "[scram]") {
  const auto a = verifier(hash_kind::scram_sha256, "ocean blue");
  CHECK(base64(a.digest) == "9v5w3i4S4HV5qhTTUQkpfrAGKX6E+0IQd7hzq8ng6Fo=");
  CHECK(base64(a.server_key) == "edbZyelDD0hzNpTfZLc/w9lvyDDy7f+CcT/mMzJyXaw=");
  const auto b = verifier(hash_kind::scram_sha512, "ocean blue");
  CHECK(base64(b.digest) == "CLfYmRFrj1lJUfZgqmrgyDJZOYTZGYQZk+KhIR2UsSqT/ST3yqm7Gj4hNMd3Zfb+U//"
                            "TCjH4RRAG8RznT1G9RA==");
  // Written and read back as a password-file line; a plain login checks against it too.
  std::vector<file_problem> problems;
  const auto line = format_password_line("sam", a);
  CHECK(line.rfind("sam:$scram-sha-256$4096$", 0) == 0);
  const auto t = parse_password_file(line, problems);
  REQUIRE(problems.empty());
  CHECK(t.users.at("sam").server_key == a.server_key);
  std::string why;
  CHECK(verify(a, "ocean blue", why));
  CHECK_FALSE(verify(a, "ocean blu", why));
}

TEST_CASE("SCRAM logs in with the right password, both hashes", "[scram]") {
  for (const auto k : {hash_kind::scram_sha256, hash_kind::scram_sha512}) {
    const auto o = run(k, table_with("sam", verifier(k, "ocean blue")), "sam", "ocean blue");
    CHECK(o.server == broker::verdict::allow);
    CHECK(o.client_accepts);
    CHECK(o.user == "sam");
  }
  // A name with ',' and '=' travels escaped (RFC 5802 section 5.1).
  const auto o = run(hash_kind::scram_sha256,
                     table_with("a,b=c", verifier(hash_kind::scram_sha256, "pw")), "a,b=c", "pw");
  CHECK(o.server == broker::verdict::allow);
  CHECK(o.user == "a,b=c");
}

TEST_CASE("SCRAM refuses a wrong password and an unknown user alike", "[scram]") {
  const auto t = table_with("sam", verifier(hash_kind::scram_sha256, "ocean blue"));
  CHECK(run(hash_kind::scram_sha256, t, "sam", "ocean").server == broker::verdict::bad_credentials);
  CHECK(run(hash_kind::scram_sha256, t, "nobody", "x").server == broker::verdict::bad_credentials);
  // A SHA-512 login against a SHA-256 verifier is an unknown user too.
  CHECK(run(hash_kind::scram_sha512, t, "sam", "ocean blue").server ==
        broker::verdict::bad_credentials);
  // The fake salt of an unknown user is the same each time: asking twice tells nothing.
  scram::server_exchange one(hash_kind::scram_sha256, t, "k"), two(hash_kind::scram_sha256, t, "k");
  const auto a = one.first("n,,n=nobody,r=abc").data;
  const auto b = two.first("n,,n=nobody,r=abc").data;
  CHECK(a.substr(a.find(",s=")) == b.substr(b.find(",s=")));
}

TEST_CASE("the client refuses a server whose verifier does not hold its ServerKey", "[scram]") {
  auto e = verifier(hash_kind::scram_sha256, "ocean blue");
  e.server_key[0] = static_cast<char>(e.server_key[0] ^ 1); // accepts the proof, signs wrongly
  const auto o = run(hash_kind::scram_sha256, table_with("sam", e), "sam", "ocean blue");
  CHECK(o.server == broker::verdict::allow);
  CHECK_FALSE(o.client_accepts);
  CHECK(o.client_error == make_error_code(errc::server_not_proven));
}

TEST_CASE("the client refuses a server-first that does not extend its nonce", "[scram]") {
  auto client = scram::client(hash_kind::scram_sha256, "sam", "pw");
  (void)client->first();
  CHECK(client->next("r=someone-else,s=c2FsdA==,i=4096").error() ==
        make_error_code(errc::auth_exchange_failed));
}

namespace {
struct no_checker final : credential_checker {
  bool known_good(std::string_view, const password_entry&, std::string_view) override {
    return false;
  }
  void check(std::uint64_t, std::string, password_entry, std::string, bool) override {}
};

codec::connect scram_connect(const std::string& method, std::string data) {
  codec::connect p;
  p.client_id = "scram";
  p.props.authentication_method = method;
  p.props.authentication_data = std::move(data);
  return p;
}
} // namespace

TEST_CASE("broker_core runs a SCRAM exchange: AUTH 0x18 both ways, signature in CONNACK",
          "[scram]") {
  harness h(quiet());
  no_checker checker;
  const auto t = table_with("sam", verifier(hash_kind::scram_sha256, "ocean blue"));
  h.core.set_access_policy(std::make_shared<file_policy>(
      std::vector<security_settings>{{false, t, acl_for_sam()}}, checker));
  auto client = scram::client(hash_kind::scram_sha256, "sam", "ocean blue");
  const auto c = h.core.on_accept(h.now).value();
  h.send(c, scram_connect("SCRAM-SHA-256", client->first().value()));
  auto got = h.received(c);
  REQUIRE(got.size() == 1);
  const auto& step = std::get<codec::auth>(got[0]);
  CHECK(step.code == reason_code::continue_authentication);
  CHECK(step.props.authentication_method == "SCRAM-SHA-256");
  codec::auth reply{reason_code::continue_authentication, {}};
  reply.props.authentication_method = "SCRAM-SHA-256";
  reply.props.authentication_data = client->next(*step.props.authentication_data).value();
  h.send(c, reply);
  got = h.received(c);
  REQUIRE(got.size() == 1);
  const auto& ack = std::get<connack>(got[0]);
  CHECK(ack.code == reason_code::success);
  CHECK(ack.props.authentication_method == "SCRAM-SHA-256");
  CHECK(client->finish(*ack.props.authentication_data));
  // The session's user is SCRAM's: the ACL for sam applies.
  h.send(c, publish{"sam/x", "ok", 1, 1, false, false, {}});
  h.send(c, publish{"other", "no", 2, 1, false, false, {}});
  got = h.received(c);
  REQUIRE(got.size() == 2);
  CHECK(std::get<puback>(got[0]).code == reason_code::success);
  CHECK(std::get<puback>(got[1]).code == reason_code::not_authorized);
}

TEST_CASE("broker_core: an unknown method gets 0x8C, anything but AUTH mid-exchange 0x82",
          "[scram]") {
  harness h(quiet());
  no_checker checker;
  const auto t = table_with("sam", verifier(hash_kind::scram_sha256, "ocean blue"));
  h.core.set_access_policy(
      std::make_shared<file_policy>(std::vector<security_settings>{{false, t, nullptr}}, checker));
  const auto a = h.core.on_accept(h.now).value();
  h.send(a, scram_connect("KERBEROS", "x"));
  CHECK(std::get<connack>(h.received(a).at(0)).code == reason_code::bad_authentication_method);
  const auto b = h.core.on_accept(h.now).value();
  h.send(b, scram_connect("SCRAM-SHA-256", "n,,n=sam,r=abc"));
  CHECK(std::holds_alternative<codec::auth>(h.received(b).at(0)));
  h.send(b, codec::pingreq{});
  CHECK(std::get<connack>(h.received(b).at(0)).code == reason_code::protocol_error);
  // Bad proof: 0x86.
  const auto c = h.core.on_accept(h.now).value();
  h.send(c, scram_connect("SCRAM-SHA-256", "n,,n=sam,r=abc"));
  const auto first = std::get<codec::auth>(h.received(c).at(0));
  const auto data = *first.props.authentication_data;
  codec::auth reply{reason_code::continue_authentication, {}};
  reply.props.authentication_method = "SCRAM-SHA-256";
  reply.props.authentication_data = "c=biws," + data.substr(0, data.find(',')) +
                                    ",p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  h.send(c, reply);
  CHECK(std::get<connack>(h.received(c).at(0)).code == reason_code::bad_user_name_or_password);
}
