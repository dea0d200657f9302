// SPDX-License-Identifier: MIT
// MQTT string validation: well-formed UTF-8, no surrogates, no overlong forms, no U+0000.
#include <catch2/catch.hpp>

#include <string>

#include "mqtk/core/errc.hpp"
#include "mqtk/core/utf8.hpp"

using namespace mqtk;
using namespace std::string_literals;

TEST_CASE("valid MQTT strings", "[utf8]") {
  for (const auto& s : {""s, "a/b"s, "caf\xC3\xA9"s, "\xE2\x82\xAC"s, "\xF0\x9F\x98\x80"s,
                        "\xEF\xBB\xBF"s /* U+FEFF kept [MQTT-1.5.4-3] */, "\xF4\x8F\xBF\xBF"s,
                        "\xED\x9F\xBF"s /* U+D7FF */, "\xEE\x80\x80"s /* U+E000 */}) {
    INFO(s);
    CHECK_FALSE(utf8::validate(s));
  }
}

TEST_CASE("ill-formed UTF-8 is rejected [MQTT-1.5.4-1]", "[utf8]") {
  for (const auto& s : {
           "\x80"s,             // lone continuation
           "\xC3"s,             // truncated
           "\xC0\xAF"s,         // overlong '/'
           "\xC1\xBF"s,         // overlong
           "\xE0\x80\xAF"s,     // overlong 3-byte
           "\xF0\x80\x80\xAF"s, // overlong 4-byte
           "\xED\xA0\x80"s,     // U+D800 surrogate
           "\xED\xBF\xBF"s,     // U+DFFF surrogate
           "\xF4\x90\x80\x80"s, // beyond U+10FFFF
           "\xF5\x80\x80\x80"s, // invalid lead
           "\xFF"s,             // invalid byte
           "ab\xE2\x82"s,       // truncated at end
           "\xE2\x28\xA1"s,     // bad continuation
       }) {
    INFO(s);
    CHECK(utf8::validate(s) == errc::utf8_ill_formed);
    CHECK_FALSE(utf8::is_well_formed(s));
  }
}

TEST_CASE("U+0000 is rejected [MQTT-1.5.4-2]", "[utf8]") {
  CHECK(utf8::validate("a\0b"s) == errc::utf8_null);
  CHECK(utf8::is_well_formed("a\0b"s)); // a payload may hold NUL
}
