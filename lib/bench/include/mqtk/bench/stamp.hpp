// SPDX-License-Identifier: MIT
// What every bench payload starts with: who sent it, its sequence number, when it was meant to
// go and when it went, in nanoseconds. 32 bytes, little-endian; the rest of the payload is
// padding up to the size asked for.
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

/// Writes `s` into `payload`, which is resized to `size` bytes (at least stamp_size).
void write_stamp(const stamp& s, std::size_t size, std::string& payload);
/// Reads a stamp; nullopt when the payload is shorter than a stamp or not one of ours (the
/// magic differs), e.g. a message some other client published on the same topic.
std::optional<stamp> read_stamp(std::string_view payload) noexcept;

} // namespace mqtk::bench
