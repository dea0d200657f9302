// SPDX-License-Identifier: MIT
// The password file: mosquitto's two hash forms read, malformed lines named and never an
// account, and hashing that matches an independent computation (Python's hashlib).
#include <catch2/catch.hpp>

#include "mqtk/auth/password_file.hpp"
#include "mqtk/auth/password_hash.hpp"
#include "mqtk/transport/tls.hpp"

using namespace mqtk::auth;

namespace {
// The hashing module from the build tree, not from beside the test executable.
const bool module_found = (mqtk::transport::set_module_path(MQTK_OPENSSL_MODULE_PATH), true);

// Salt "0123456789ab", password "correct horse": digests from Python's hashlib.pbkdf2_hmac
// ('sha512', ..., 1000) and hashlib.sha512(password + salt).
constexpr const char* pbkdf2_line =
    "ann:$7$1000$MDEyMzQ1Njc4OWFi$OCzQ5wJtyzNPznJ+C6mINKa1QDiEe5NZq8ghhv2qWhDU9CE3LuZOAO1bVV+"
    "NFIPH9Y1r7vqAQiaTmpL0W5EO9A==";
constexpr const char* sha512_line =
    "bob:$6$MDEyMzQ1Njc4OWFi$vMblpzgCS5oj2lUbBcEO+PGDOv2Ychcm2aCJlOM/97en/aLeFXM5JAedC3UgjydjvghO"
    "xFalEDxmI0OHi3Vlsg==";
} // namespace

TEST_CASE("both of mosquitto's hash forms are read and checked", "[passwords]") {
  std::vector<file_problem> problems;
  const auto t = parse_password_file(
      std::string(pbkdf2_line) + "\n# a comment\n\n" + sha512_line + "\r\n", problems);
  REQUIRE(problems.empty());
  REQUIRE(t.users.size() == 2);
  const auto& ann = t.users.at("ann");
  CHECK(ann.kind == hash_kind::sha512_pbkdf2);
  CHECK(ann.iterations == 1000);
  CHECK(ann.salt == "0123456789ab");
  const auto& bob = t.users.at("bob");
  CHECK(bob.kind == hash_kind::sha512);
  std::string why;
  CHECK(verify(ann, "correct horse", why));
  CHECK_FALSE(verify(ann, "correct horsf", why));
  CHECK_FALSE(verify(ann, "", why));
  CHECK(verify(bob, "correct horse", why));
  CHECK_FALSE(verify(bob, "Correct horse", why));
  CHECK(why.empty());
  // Written back exactly as read.
  CHECK(format_password_line("ann", ann) == pbkdf2_line);
  CHECK(format_password_line("bob", bob) == sha512_line);
}

TEST_CASE("a malformed line is named by its number and creates no account", "[passwords]") {
  const char* text = "good:$6$MDEyMzQ1Njc4OWFi$vMblpzgCS5oj2lUbBcEO+PGDOv2Ychcm2aCJlOM/97en/aLe"
                     "FXM5JAedC3UgjydjvghOxFalEDxmI0OHi3Vlsg==\n"
                     "nocolon\n"                // 2
                     "plain:secret\n"           // 3
                     "short:$6$MDEy$AAAA\n"     // 4
                     "iter:$7$0$MDEy$AAAA\n"    // 5
                     "iter2:$7$12x$MDEy$AAAA\n" // 6
                     "kind:$5$MDEy$AAAA\n"      // 7
                     "b64:$6$!!!!$AAAA\n"       // 8
                     ":$6$MDEy$AAAA\n"          // 9
                     "good:$6$MDEyMzQ1Njc4OWFi$vMblpzgCS5oj2lUbBcEO+PGDOv2Ychcm2aCJlOM/97en/"
                     "aLeFXM5JAedC3UgjydjvghOxFalEDxmI0OHi3Vlsg==\n"; // 10: 'good' again
  std::vector<file_problem> problems;
  const auto t = parse_password_file(text, problems);
  CHECK(t.users.size() == 1);
  CHECK(t.users.count("good") == 1);
  std::vector<std::size_t> lines;
  for (const auto& p : problems)
    lines.push_back(p.line);
  CHECK(lines == std::vector<std::size_t>{2, 3, 4, 5, 6, 7, 8, 9, 10});
  CHECK_THAT(problems[1].what, Catch::Contains("not hashed") && Catch::Contains("-U"));
  CHECK_THAT(problems[5].what, Catch::Contains("$5$"));
  CHECK_THAT(problems[8].what, Catch::Contains("already defined"));
}

TEST_CASE("make_entry makes entries that verify, with a fresh salt each time", "[passwords]") {
  std::string why;
  const auto a = make_entry("pw", hash_kind::sha512_pbkdf2, 2000, why);
  const auto b = make_entry("pw", hash_kind::sha512_pbkdf2, 2000, why);
  REQUIRE(why.empty());
  CHECK(a.salt.size() == 12);
  CHECK(a.salt != b.salt);
  CHECK(a.digest != b.digest);
  CHECK(verify(a, "pw", why));
  CHECK_FALSE(verify(a, "pw ", why));
  std::vector<file_problem> problems;
  const auto t = parse_password_file(format_password_line("u", a), problems);
  REQUIRE(problems.empty());
  CHECK(verify(t.users.at("u"), "pw", why));
  const auto c = make_entry("pw", hash_kind::sha512, 0, why);
  CHECK(format_password_line("u", c).rfind("u:$6$", 0) == 0);
  CHECK(verify(c, "pw", why));
}
