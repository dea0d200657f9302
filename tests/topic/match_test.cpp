// SPDX-License-Identifier: MIT
// Topic matching table, including the '$' rule and the parent match of '#'.
#include <catch2/catch.hpp>

#include "mqtk/topic/match.hpp"

using mqtk::topic::match;

TEST_CASE("filter matching table", "[match]") {
  struct row {
    const char* filter;
    const char* name;
    bool expected;
  };
  const row rows[] = {
      {"a/b", "a/b", true},       {"a/b", "a/c", false},      {"a/b", "a/b/c", false},
      {"a/b/c", "a/b", false},    {"+", "a", true},           {"+", "a/b", false},
      {"+", "/", false},          {"+/+", "/", true},         {"/+", "/a", true},
      {"+/", "a/", true},         {"a/+", "a/", true},        {"a/+", "a", false},
      {"a/+/c", "a/b/c", true},   {"a/+/c", "a/b/d", false},  {"#", "a", true},
      {"#", "a/b/c", true},       {"#", "/", true},           {"a/#", "a", true},
      {"a/#", "a/b", true},       {"a/#", "a/b/c", true},     {"a/#", "ab", false},
      {"+/#", "a", true},         {"+/+/#", "a", false},      {"a//b", "a//b", true},
      {"a/+/b", "a//b", true},    {"#", "$SYS/x", false},     {"+/x", "$SYS/x", false},
      {"$SYS/#", "$SYS/x", true}, {"$SYS/+", "$SYS/x", true}, {"a/$b", "a/$b", true},
      {"+/$b", "a/$b", true},     {"A", "a", false},
  };
  for (const auto& r : rows) {
    INFO(r.filter << " vs " << r.name);
    CHECK(match(r.filter, r.name) == r.expected);
  }
}
