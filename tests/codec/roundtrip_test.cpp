// SPDX-License-Identifier: MIT
// Seeded random packets: decode(encode(p)) == p, and every split of a stream gives the same
// packets.
#include "check.hpp"

#include "random_packets.hpp"

using namespace mqtk;
using namespace mqtk::codec;

namespace {

std::vector<packet> drain(stream_decoder& sd) {
  std::vector<packet> out;
  for (;;) {
    auto r = sd.next();
    REQUIRE(r);
    if (!*r) return out;
    out.push_back(std::move(**r));
  }
}

} // namespace

TEST_CASE("10,000 random packets per version round-trip", "[roundtrip]") {
  for (const auto v : {protocol_version::v311, protocol_version::v5}) {
    std::mt19937_64 rng(v == protocol_version::v5 ? 5 : 4);
    for (int i = 0; i < 10'000; ++i) {
      const packet p = testing::random_packet(rng, v);
      buffer out;
      const auto enc = encode(p, v, out);
      INFO("version " << to_string(v) << " #" << i << " " << to_string(p));
      REQUIRE(enc);
      REQUIRE(encoded_size(p, v).value() == out.size());
      const auto dec = decode(out, v);
      INFO((dec ? std::string() : dec.error().message()));
      REQUIRE(dec);
      REQUIRE(*dec == p);
    }
  }
}

TEST_CASE("a stream split at every byte boundary yields the same packets", "[roundtrip][split]") {
  for (const auto v : {protocol_version::v311, protocol_version::v5}) {
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      std::mt19937_64 rng(seed * 7 + static_cast<unsigned>(v));
      std::vector<packet> sent;
      buffer stream;
      while (sent.size() < 12) {
        packet p = testing::random_packet(rng, v);
        if (std::holds_alternative<connect>(p)) continue; // a CONNECT would switch versions
        buffer one;
        if (!encode(p, v, one) || one.size() > 600) continue; // keep the split count modest
        stream.insert(stream.end(), one.begin(), one.end());
        sent.push_back(std::move(p));
      }
      INFO("version " << to_string(v) << " seed " << seed << " stream " << stream.size());
      for (std::size_t k = 0; k <= stream.size(); ++k) {
        stream_decoder sd(v);
        sd.feed(byte_view(stream).first(k));
        auto got = drain(sd);
        sd.feed(byte_view(stream).subspan(k));
        auto rest = drain(sd);
        got.insert(got.end(), rest.begin(), rest.end());
        REQUIRE(got == sent);
        REQUIRE(sd.buffered() == 0);
      }
    }
  }
}
