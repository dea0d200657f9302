// SPDX-License-Identifier: MIT
// result<T>: holds a value or an error, never both.
#include <catch2/catch.hpp>

#include <string>

#include "mqtk/core/errc.hpp"
#include "mqtk/core/result.hpp"

using namespace mqtk;

namespace {
result<int> half(int x) {
  if (x % 2 != 0) return unexpected(errc::truncated);
  return x / 2;
}
} // namespace

TEST_CASE("result holds a value", "[result]") {
  auto r = half(8);
  REQUIRE(r.has_value());
  CHECK(*r == 4);
  CHECK_FALSE(r.error());
}

TEST_CASE("result holds an error", "[result]") {
  auto r = half(3);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::truncated);
}

TEST_CASE("result<void> and move-only access", "[result]") {
  result<void> ok;
  CHECK(ok);
  result<void> bad = unexpected(errc::qos_invalid);
  CHECK(bad.error() == errc::qos_invalid);
  result<std::string> s = std::string("abc");
  std::string taken = std::move(s).value();
  CHECK(taken == "abc");
}
