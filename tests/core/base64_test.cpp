// SPDX-License-Identifier: MIT
// base64 both ways: padding, every byte value, and what is refused.
#include <catch2/catch.hpp>

#include "mqtk/core/base64.hpp"

using namespace mqtk;

TEST_CASE("base64 pads to whole quanta and reads back with or without padding", "[base64]") {
  CHECK(base64("") == "");
  CHECK(base64("m") == "bQ==");
  CHECK(base64("mq") == "bXE=");
  CHECK(base64("mqt") == "bXF0");
  CHECK(base64("mqtk") == "bXF0aw==");
  CHECK(from_base64("bXF0aw==") == "mqtk");
  CHECK(from_base64("bXF0aw") == "mqtk");
  CHECK_FALSE(from_base64("bX F0"));
  CHECK_FALSE(from_base64("bXF0-w=="));
}

TEST_CASE("base64 is lossless for every byte value", "[base64]") {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= all.size(); n += 37)
    CHECK(from_base64(base64(all.substr(0, n))) == all.substr(0, n));
}
