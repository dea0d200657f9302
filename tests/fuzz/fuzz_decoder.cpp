// SPDX-License-Identifier: MIT
// libFuzzer target for the decoder. Besides "no crash, no leak, no UB" it checks an oracle:
// whatever decodes must re-encode, decode again to the same packet, and decode the same way
// whole and through the stream decoder in chunks.
#include <cstdint>
#include <cstdlib>

#include "mqtk/codec/decoder.hpp"
#include "mqtk/codec/encoder.hpp"

using namespace mqtk;
using namespace mqtk::codec;

namespace {

[[noreturn]] void fail() {
  std::abort();
}

void check_reencodes(const packet& p, protocol_version v) {
  if (const auto* c = std::get_if<connect>(&p)) v = c->version;
  buffer out;
  if (!encode(p, v, out)) fail();
  auto again = decode(out, v);
  if (!again || !(*again == p)) fail();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // First byte: version and a chunk size for the stream decoder; the rest is the input.
  const auto v = (data[0] & 1) ? protocol_version::v5 : protocol_version::v311;
  const std::size_t chunk = 1 + (data[0] >> 1);
  const byte_view in(data + 1, size - 1);

  if (auto p = decode(in, v)) check_reencodes(*p, v);

  stream_decoder sd(v, 1 << 16);
  std::size_t pos = 0;
  while (pos < in.size()) {
    const auto n = std::min(chunk, in.size() - pos);
    sd.feed(in.subspan(pos, n));
    pos += n;
    for (;;) {
      auto r = sd.next();
      if (!r) return 0;
      if (!*r) break;
      check_reencodes(**r, sd.version());
    }
  }
  return 0;
}
