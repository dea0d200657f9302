// SPDX-License-Identifier: MIT
// Internal: a message's v5 properties as a blob, and times as Unix milliseconds.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "mqtk/broker/journal.hpp"
#include "mqtk/codec/packets.hpp"

namespace mqtk::store::detail {

/// The properties as the codec writes them (in a PUBLISH to `topic` without payload); nullopt
/// when there are none.
std::optional<std::string> properties_blob(const std::string& topic, const codec::properties& p);
/// The properties back from properties_blob(); false when the blob does not decode.
bool read_properties(std::string_view blob, codec::properties& out);

inline std::int64_t to_ms(broker::wall_time t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline broker::wall_time from_ms(std::int64_t ms) {
  // A damaged file's time beyond what a time_point holds is clamped rather than overflowed.
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / 1'000'000; // ns
  ms = std::clamp(ms, -limit, limit);
  return broker::wall_time(
      std::chrono::duration_cast<broker::wall_time::duration>(std::chrono::milliseconds(ms)));
}
inline std::optional<std::int64_t> to_ms(const std::optional<broker::wall_time>& t) {
  return t ? std::optional<std::int64_t>(to_ms(*t)) : std::nullopt;
}

} // namespace mqtk::store::detail
