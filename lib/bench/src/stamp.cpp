// SPDX-License-Identifier: MIT
// Stamp layouts: "mqkb" | publisher u32 | sequence u64 | intended u64 | sent u64 (32 bytes), or
// compact "mk" | publisher u16 | sequence u32 | sent u64 (16 bytes).
#include "mqtk/bench/stamp.hpp"

namespace mqtk::bench {
namespace {

constexpr char magic[4] = {'m', 'q', 'k', 'b'};
constexpr char compact_magic[2] = {'m', 'k'};

void put(std::string& out, std::size_t at, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

std::uint64_t get(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= std::uint64_t(static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)])) << (8 * i);
  return v;
}

} // namespace

void write_stamp(const stamp& s, std::size_t size, std::string& payload) {
  if (size < stamp_size) {
    payload.assign(size < compact_stamp_size ? compact_stamp_size : size, '\0');
    payload.replace(0, 2, compact_magic, 2);
    put(payload, 2, s.publisher, 2);
    put(payload, 4, s.sequence, 4);
    put(payload, 8, s.sent_ns, 8);
    return;
  }
  payload.assign(size, '\0');
  payload.replace(0, 4, magic, 4);
  put(payload, 4, s.publisher, 4);
  put(payload, 8, s.sequence, 8);
  put(payload, 16, s.intended_ns, 8);
  put(payload, 24, s.sent_ns, 8);
}

std::optional<stamp> read_stamp(std::string_view payload) noexcept {
  if (payload.size() >= compact_stamp_size && payload.size() < stamp_size &&
      payload.substr(0, 2) == std::string_view(compact_magic, 2))
    return stamp{static_cast<std::uint32_t>(get(payload, 2, 2)), get(payload, 4, 4), 0,
                 get(payload, 8, 8)};
  if (payload.size() < stamp_size || payload.substr(0, 4) != std::string_view(magic, 4))
    return std::nullopt;
  return stamp{static_cast<std::uint32_t>(get(payload, 4, 4)), get(payload, 8, 8),
               get(payload, 16, 8), get(payload, 24, 8)};
}

} // namespace mqtk::bench
