// SPDX-License-Identifier: MIT
// Packet Identifiers in use on one side of a session (spec section 2.2.1).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_set>

namespace mqtk::session {

/// Hands out non-zero Packet Identifiers not currently in use [MQTT-2.2.1-3], cycling through
/// 1..65535 so that a freed id is not reused at once. An idle pool allocates nothing.
/// Thread safety: none.
class packet_id_pool {
public:
  /// A free id, now marked in use; nullopt when all 65,535 are in use.
  std::optional<std::uint16_t> allocate();
  /// Marks `id` in use (a resumed session's ids); false when it already was.
  bool claim(std::uint16_t id);
  /// Makes `id` free again; false when it was not in use.
  bool release(std::uint16_t id);
  bool in_use(std::uint16_t id) const { return used_.count(id) != 0; }
  std::size_t size() const noexcept { return used_.size(); }
  void clear() { used_.clear(); }

private:
  std::unordered_set<std::uint16_t> used_;
  std::uint16_t last_ = 0;
};

} // namespace mqtk::session
