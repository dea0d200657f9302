// SPDX-License-Identifier: MIT
// Hex helpers used by test vectors and traces.
#include <catch2/catch.hpp>

#include "mqtk/core/bytes.hpp"

using namespace mqtk;

TEST_CASE("from_hex skips spaces and comments", "[hex]") {
  auto b = from_hex("10 0c   # CONNECT\n 00 04 # length\nff");
  REQUIRE(b);
  CHECK(*b == buffer{0x10, 0x0C, 0x00, 0x04, 0xFF});
  CHECK_FALSE(from_hex("1"));
  CHECK_FALSE(from_hex("zz"));
  CHECK(to_hex(*b) == "10 0c 00 04 ff");
  CHECK(to_hex(*b, '\0') == "100c0004ff");
}
