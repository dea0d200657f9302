// SPDX-License-Identifier: MIT
// Topic Name and Topic Filter validation tables, shared subscription parsing.
#include <catch2/catch.hpp>

#include <string>

#include "mqtk/core/errc.hpp"
#include "mqtk/topic/validate.hpp"

using namespace mqtk;
using namespace mqtk::topic;
using namespace std::string_literals;

TEST_CASE("topic names", "[validate]") {
  for (const auto* ok : {"a", "a/b", "/", "/a", "a/", "$SYS/x", "a b", "\xC3\xA9"})
    CHECK_FALSE(validate_name(ok));
  CHECK(validate_name("") == errc::topic_name_invalid);    // [MQTT-4.7.3-1]
  CHECK(validate_name("a/+") == errc::topic_name_invalid); // [MQTT-4.7.1-1]
  CHECK(validate_name("#") == errc::topic_name_invalid);
  CHECK(validate_name("a\0b"s) == errc::topic_name_invalid); // [MQTT-4.7.3-2]
  CHECK(validate_name(std::string(65'536, 'a')) == errc::topic_name_invalid);
  CHECK_FALSE(validate_name(std::string(65'535, 'a')));
}

TEST_CASE("topic filters: wildcard placement", "[validate]") {
  for (const auto* ok : {"#", "a/#", "+", "+/+", "a/+/c", "/+", "+/", "$SYS/#", "a//b", "+/#",
                         "$share", "$share/g/a/+", "$share/g/#"}) {
    INFO(ok);
    CHECK_FALSE(validate_filter(ok));
  }
  for (const auto* bad : {"a#", "a/#/b", "#/a", "a/b#", "a+", "a/b+/c", "++", "+a", ""}) {
    INFO(bad);
    CHECK(validate_filter(bad) == errc::topic_filter_invalid); // [MQTT-4.7.1-2] [MQTT-4.7.1-3]
  }
  CHECK(validate_filter("a\0"s) == errc::topic_filter_invalid);
}

TEST_CASE("shared subscriptions [MQTT-4.8.2-1] [MQTT-4.8.2-2]", "[validate][shared]") {
  const auto s = parse_shared("$share/group/a/+");
  REQUIRE(s);
  CHECK(s->group == "group");
  CHECK(s->filter == "a/+");
  CHECK_FALSE(parse_shared("a/b"));
  CHECK_FALSE(parse_shared("$share"));
  for (const auto* bad : {"$share/", "$share/g", "$share/g/", "$share//a", "$share/g+/a",
                          "$share/#/a", "$share/g/a#"}) {
    INFO(bad);
    CHECK(validate_filter(bad));
  }
  CHECK(validate_filter("$share/g") == errc::shared_subscription_invalid);
}

TEST_CASE("level counting", "[validate]") {
  CHECK(level_count("a") == 1);
  CHECK(level_count("a/b") == 2);
  CHECK(level_count("/") == 2);
}
