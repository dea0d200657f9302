// SPDX-License-Identifier: MIT
// What every bench payload starts with: who sent it, its sequence number, when it was meant to
// go and when it went, in nanoseconds. 32 bytes, little-endian; the rest of the payload is
// padding up to the size asked for. Payloads of 16 to 31 bytes carry a compact stamp instead:
// publisher and sequence in 16 and 32 bits, the send time, and no intended time (a receiver that
// knows the publisher's schedule computes it; others use the send time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqtk::bench {

struct stamp {
  std::uint32_t publisher = 0;
  std::uint64_t sequence = 0;
  std::uint64_t intended_ns = 0;
  std::uint64_t sent_ns = 0;
  bool operator==(const stamp&) const = default;
};

inline constexpr std::size_t stamp_size = 32;
inline constexpr std::size_t compact_stamp_size = 16;

/// Writes `s` into `payload`, which is resized to `size` bytes (at least compact_stamp_size); a
/// full stamp from stamp_size on, a compact one below (intended_ns is not written; publisher and
/// sequence are cut to 16 and 32 bits).
void write_stamp(const stamp& s, std::size_t size, std::string& payload);
/// Reads a stamp; nullopt when the payload is shorter than a stamp or not one of ours (the
/// magic differs), e.g. a message some other client published on the same topic. A compact
/// stamp reads with intended_ns 0.
std::optional<stamp> read_stamp(std::string_view payload) noexcept;

} // namespace mqtk::bench
