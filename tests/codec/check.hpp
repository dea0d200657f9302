// SPDX-License-Identifier: MIT
// Test helpers: pin a packet's bytes both ways, and assert that bytes are rejected for a rule.
#pragma once

#include <catch2/catch.hpp>

#include <string_view>

#include "mqtk/codec/decoder.hpp"
#include "mqtk/codec/encoder.hpp"
#include "mqtk/codec/format.hpp"
#include "mqtk/core/errc.hpp"

namespace mqtk::testing {

inline buffer hex(std::string_view text) {
  auto b = from_hex(text);
  REQUIRE(b);
  return *b;
}

/// encode(p) == bytes, decode(bytes) == p, and bytes followed by junk decode to one packet that
/// stops at the frame (the junk, an incomplete PUBLISH header, stays buffered).
inline void check_both_ways(const codec::packet& p, codec::protocol_version v,
                            std::string_view expected_hex) {
  const buffer expected = hex(expected_hex);
  buffer out;
  const auto enc = codec::encode(p, v, out);
  INFO(codec::to_string(p));
  REQUIRE(enc);
  CHECK(to_hex(out) == to_hex(expected));
  CHECK(codec::encoded_size(p, v).value() == expected.size());

  const auto dec = codec::decode(expected, v);
  INFO((dec ? std::string() : dec.error().message()));
  REQUIRE(dec);
  CHECK(codec::to_string(*dec) == codec::to_string(p));
  CHECK(*dec == p);

  buffer with_junk = expected;
  with_junk.push_back(0x30);
  codec::stream_decoder sd(v);
  sd.feed(with_junk);
  auto first = sd.next();
  REQUIRE(first);
  REQUIRE(first->has_value());
  CHECK(**first == p);
  auto second = sd.next();
  REQUIRE(second);
  CHECK_FALSE(second->has_value());
  CHECK(sd.buffered() == 1);
}

/// Decoding `bytes` fails with `expected`, whole and through the stream decoder.
inline void check_rejected(codec::protocol_version v, std::string_view bytes_hex, errc expected) {
  const buffer bytes = hex(bytes_hex);
  INFO(bytes_hex);
  const auto dec = codec::decode(bytes, v);
  REQUIRE_FALSE(dec);
  CHECK(dec.error().message() == make_error_code(expected).message());
  codec::stream_decoder sd(v);
  sd.feed(bytes);
  const auto next = sd.next();
  REQUIRE_FALSE(next);
  CHECK(next.error() == expected);
}

} // namespace mqtk::testing
