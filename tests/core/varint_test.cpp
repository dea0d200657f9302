// SPDX-License-Identifier: MIT
// Variable Byte Integer boundaries both ways, truncation, over-long and non-minimal forms.
#include <catch2/catch.hpp>

#include "mqtk/core/varint.hpp"

using namespace mqtk;

TEST_CASE("varint boundary table", "[varint]") {
  struct row {
    std::uint32_t value;
    buffer bytes;
  };
  const row rows[] = {
      {0, {0x00}},
      {127, {0x7F}},
      {128, {0x80, 0x01}},
      {16'383, {0xFF, 0x7F}},
      {16'384, {0x80, 0x80, 0x01}},
      {2'097'151, {0xFF, 0xFF, 0x7F}},
      {2'097'152, {0x80, 0x80, 0x80, 0x01}},
      {268'435'455, {0xFF, 0xFF, 0xFF, 0x7F}},
  };
  for (const auto& r : rows) {
    INFO("value " << r.value);
    buffer out;
    varint::append(r.value, out);
    CHECK(out == r.bytes);
    CHECK(varint::size(r.value) == r.bytes.size());
    auto d = varint::decode(r.bytes);
    REQUIRE(d);
    CHECK(d->value == r.value);
    CHECK(d->size == r.bytes.size());
    // Junk after the integer is not read.
    buffer more = r.bytes;
    more.push_back(0xAB);
    CHECK(varint::decode(more)->size == r.bytes.size());
  }
}

TEST_CASE("varint truncated input asks for more", "[varint]") {
  for (const buffer& b : {buffer{}, buffer{0x80}, buffer{0xFF, 0xFF}, buffer{0x80, 0x80, 0x80}}) {
    auto d = varint::decode(b);
    REQUIRE(d);
    CHECK(d->size == 0);
  }
}

TEST_CASE("varint of five bytes is malformed", "[varint]") {
  const buffer b{0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
  CHECK(varint::decode(b).error() == errc::varint_too_long);
  const buffer c{0x80, 0x80, 0x80, 0x80};
  CHECK(varint::decode(c).error() == errc::varint_too_long);
}

TEST_CASE("varint not in its shortest form is malformed [MQTT-1.5.5-1]", "[varint]") {
  CHECK(varint::decode(buffer{0x80, 0x00}).error() == errc::varint_not_minimal);
  CHECK(varint::decode(buffer{0xFF, 0x80, 0x00}).error() == errc::varint_not_minimal);
  CHECK(varint::decode(buffer{0x81, 0x80, 0x80, 0x00}).error() == errc::varint_not_minimal);
}
