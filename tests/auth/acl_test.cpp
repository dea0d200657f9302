// SPDX-License-Identifier: MIT
// The ACL file: the table in acl_cases.json (rule sets, clients and what each may do), and the
// parser's problems.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "mqtk/auth/acl_file.hpp"

using namespace mqtk::auth;

TEST_CASE("ACL cases from acl_cases.json", "[acl]") {
  std::ifstream in(MQTK_ACL_CASES);
  REQUIRE(in);
  const auto doc = nlohmann::json::parse(in);
  std::size_t cases = 0;
  for (const auto& set : doc.at("sets")) {
    std::vector<file_problem> problems;
    const auto t = parse_acl_file(set.at("acl").get<std::string>(), problems);
    INFO(set.at("name").get<std::string>());
    REQUIRE(problems.empty());
    for (const auto& c : set.at("cases")) {
      const auto user = c.at(0).is_null() ? std::string() : c.at(0).get<std::string>();
      const auto client = c.at(1).get<std::string>();
      const auto op = c.at(2).get<std::string>();
      const auto topic = c.at(3).get<std::string>();
      const bool expected = c.at(4).get<bool>();
      acl_identity who{std::nullopt, client};
      if (!c.at(0).is_null()) who.username = user;
      const bool got = op == "read"    ? acl_may_read(t, who, topic)
                       : op == "write" ? acl_may_write(t, who, topic)
                                       : acl_may_subscribe(t, who, topic);
      INFO((c.at(0).is_null() ? std::string("anonymous") : user)
           << " (" << client << ") " << op << " " << topic);
      CHECK(got == expected);
      ++cases;
    }
  }
  CHECK(cases >= 60);
}

TEST_CASE("ACL lines that cannot be used are named and grant nothing", "[acl]") {
  std::vector<file_problem> problems;
  const auto t = parse_acl_file("topic read a/#\n"
                                "topik read b\n"        // 2
                                "topic read\n"          // 3
                                "topic read a/#/b\n"    // 4
                                "user\n"                // 5
                                "topic c\n"             // 6: under a broken user line
                                "pattern write %u/+x\n" // 7
                                "user ok\n"
                                "topic d\n",
                                problems);
  std::vector<std::size_t> lines;
  for (const auto& p : problems)
    lines.push_back(p.line);
  CHECK(lines == std::vector<std::size_t>{2, 3, 4, 5, 6, 7});
  CHECK(t.anonymous.size() == 1);
  CHECK(t.patterns.empty());
  CHECK(t.users.at("ok").size() == 1);
  CHECK_THAT(problems[0].what, Catch::Contains("topik"));
}
