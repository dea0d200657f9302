// SPDX-License-Identifier: MIT
// RFC 6455 framing against byte vectors: both roles, every size form, fragmentation, control
// frames, and each hostile frame refused with the close code the RFC (or MQTT §6) names.
#include <catch2/catch.hpp>

#include "mqtk/websocket/frame.hpp"

using namespace mqtk;
using namespace mqtk::websocket;

namespace {

buffer hex(std::string_view text) {
  auto b = from_hex(text);
  REQUIRE(b);
  return *b;
}

struct run {
  buffer data;
  feed_result r;
};

run feed_all(role who, std::string_view bytes_hex, std::uint64_t max = 1 << 20) {
  decoder d(who, max);
  run out;
  d.feed(hex(bytes_hex), out.data, out.r);
  return out;
}

// The same input one byte at a time must decode the same.
run feed_bytewise(role who, std::string_view bytes_hex) {
  decoder d(who, 1 << 20);
  run out;
  for (const auto b : hex(bytes_hex))
    d.feed(byte_view(&b, 1), out.data, out.r);
  return out;
}

std::string text(const buffer& b) {
  return {b.begin(), b.end()};
}

} // namespace

TEST_CASE("a server unmasks a client's binary frame, whole or byte by byte", "[frame]") {
  // FIN+binary, MASK+3, key 01 02 03 04, "abc" masked: 61^01 62^02 63^03.
  const auto v = "82 83 01 02 03 04 60 60 60";
  for (const auto& r : {feed_all(role::server, v), feed_bytewise(role::server, v)}) {
    CHECK_FALSE(r.r.failed());
    CHECK(text(r.data) == "abc");
  }
}

TEST_CASE("a client reads unmasked frames, MQTT packets span frames and share them", "[frame]") {
  // Two frames: "10 02 00" then "00 20 02 00 00" -> one CONNECT-like run of bytes, split anywhere.
  const auto r = feed_all(role::client, "82 03 10 02 00  82 05 00 20 02 00 00");
  CHECK_FALSE(r.r.failed());
  CHECK(to_hex(r.data) == "10 02 00 00 20 02 00 00");
}

TEST_CASE("16-bit and 64-bit lengths", "[frame]") {
  std::string v = "82 7e 00 c8";
  for (int i = 0; i < 200; ++i)
    v += " 5a";
  auto r = feed_all(role::client, v);
  CHECK_FALSE(r.r.failed());
  CHECK(r.data.size() == 200);

  buffer big;
  put_frame(big, opcode::binary, buffer(70000, 0x11), nullptr);
  CHECK(to_hex(byte_view(big.data(), 10)) == "82 7f 00 00 00 00 00 01 11 70");
  decoder d(role::client, 1 << 20);
  run out;
  d.feed(big, out.data, out.r);
  CHECK(out.data.size() == 70000);
}

TEST_CASE("fragmented messages with a ping between the fragments", "[frame]") {
  // binary without FIN "a", ping "hi", continuation with FIN "b"
  const auto r = feed_all(role::server, "02 81 00 00 00 00 61  89 82 00 00 00 00 68 69 "
                                        " 80 81 00 00 00 00 62");
  CHECK_FALSE(r.r.failed());
  CHECK(text(r.data) == "ab");
  REQUIRE(r.r.controls.size() == 1);
  CHECK(r.r.controls[0].op == opcode::ping);
  CHECK(r.r.controls[0].payload == "hi");
}

TEST_CASE("a close frame ends decoding, later bytes are ignored", "[frame]") {
  decoder d(role::client, 1024);
  run out;
  d.feed(hex("88 05 03 e8 62 79 65  82 01 41"), out.data, out.r);
  CHECK_FALSE(out.r.failed());
  REQUIRE(out.r.controls.size() == 1);
  CHECK(out.r.controls[0].op == opcode::close);
  const auto info = parse_close(out.r.controls[0].payload);
  CHECK(info.code == 1000);
  CHECK(info.reason == "bye");
  CHECK(d.done());
  CHECK(out.data.empty());
}

TEST_CASE("hostile frames are refused with RFC 6455's close codes", "[frame][hostile]") {
  struct hostile {
    const char* what;
    role who;
    const char* bytes;
    std::uint16_t code;
  };
  const hostile cases[] = {
      {"text frame [MQTT-6.0.0-1]", role::server, "81 81 00 00 00 00 41", 1003},
      {"unmasked client frame", role::server, "82 01 41", 1002},
      {"masked server frame", role::client, "82 81 00 00 00 00 41", 1002},
      {"length 2^63", role::server, "82 ff 80 00 00 00 00 00 00 00 01 02 03 04", 1002},
      {"length over the maximum", role::server, "82 ff 00 00 00 01 00 00 00 00 01 02 03 04", 1009},
      {"16-bit length under 126", role::server, "82 fe 00 10 01 02 03 04", 1002},
      {"64-bit length under 65536", role::server, "82 ff 00 00 00 00 00 00 00 10 01 02 03 04",
       1002},
      {"reserved opcode", role::server, "83 80 01 02 03 04", 1002},
      {"reserved bit set", role::server, "c2 80 01 02 03 04", 1002},
      {"fragmented ping", role::server, "09 80 01 02 03 04", 1002},
      {"ping over 125 bytes", role::server, "89 fe 00 7e 01 02 03 04", 1002},
      {"continuation without a message", role::server, "80 80 01 02 03 04", 1002},
      {"binary inside a fragmented message", role::server, "02 80 01 02 03 04  82 80 01 02 03 04",
       1002},
      {"close with a 1-byte body", role::server, "88 81 00 00 00 00 03", 1002},
      {"close with reserved code 1005", role::server, "88 82 00 00 00 00 03 ed", 1002},
      {"close with a reason not UTF-8", role::server, "88 83 00 00 00 00 03 e8 ff", 1007},
  };
  for (const auto& h : cases) {
    INFO(h.what);
    const auto r = feed_all(h.who, h.bytes);
    CHECK(r.r.fail_code == h.code);
    CHECK_FALSE(r.r.why.empty());
  }
}

TEST_CASE("encoding: header forms, masking, close", "[frame][encode]") {
  buffer out;
  put_frame(out, opcode::binary, buffer{}, nullptr);
  CHECK(to_hex(out) == "82 00");
  out.clear();
  put_frame(out, opcode::binary, buffer(125, 0), nullptr);
  CHECK(to_hex(byte_view(out.data(), 2)) == "82 7d");
  out.clear();
  put_frame(out, opcode::binary, buffer(126, 0), nullptr);
  CHECK(to_hex(byte_view(out.data(), 4)) == "82 7e 00 7e");
  out.clear();
  put_frame(out, opcode::binary, buffer(65535, 0), nullptr);
  CHECK(to_hex(byte_view(out.data(), 4)) == "82 7e ff ff");
  out.clear();
  const std::array<std::uint8_t, 4> key{1, 2, 3, 4};
  put_frame(out, opcode::binary, as_bytes("abc"), &key);
  CHECK(to_hex(out) == "82 83 01 02 03 04 60 60 60");
  out.clear();
  put_close(out, 1000, "", nullptr);
  CHECK(to_hex(out) == "88 02 03 e8");
  out.clear();
  put_close(out, 1002, std::string(200, 'x'), nullptr);
  CHECK(out.size() == 2 + 125); // the reason is cut so the frame stays a control frame
}

TEST_CASE("what the encoder writes, the decoder reads", "[frame][roundtrip]") {
  const std::array<std::uint8_t, 4> key{0xde, 0xad, 0xbe, 0xef};
  for (const std::size_t n : {0u, 1u, 125u, 126u, 4096u, 65535u, 65536u, 100000u}) {
    buffer payload(n);
    for (std::size_t i = 0; i < n; ++i)
      payload[i] = static_cast<std::uint8_t>(i * 7);
    buffer wire;
    put_frame(wire, opcode::binary, payload, &key);
    decoder d(role::server, 1 << 20);
    run out;
    d.feed(wire, out.data, out.r);
    CHECK_FALSE(out.r.failed());
    CHECK(out.data == payload);
  }
}
