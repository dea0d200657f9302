// SPDX-License-Identifier: MIT
// Packet Identifiers in use on one side of a session (spec section 2.2.1).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_set>

namespace mqtk::session {

/// Hands out non-zero Packet Identifiers not currently in use [MQTT-2.2.1-3], cycling through
/// 1..65535 so that a freed id is not reused at once. An idle pool allocates nothing. Ids may
/// also be held elsewhere (a flow's in-flight window keeps its own index, so the pool need not
/// record those twice): next_free() skips them too.
/// Thread safety: none.
class packet_id_pool {
public:
  /// A free id, now marked in use; nullopt when all 65,535 are in use.
  std::optional<std::uint16_t> allocate();
  /// A free id for which `held_elsewhere(id)` is false too, where `held_count` ids are held
  /// elsewhere; not marked in use here (the caller records it where it holds it).
  template <class Held>
  std::optional<std::uint16_t> next_free(const Held& held_elsewhere, std::size_t held_count) {
    if (used_.size() + held_count >= 65'535) return std::nullopt;
    for (;;) {
      last_ = static_cast<std::uint16_t>(last_ == 65'535 ? 1 : last_ + 1);
      if ((used_.empty() || used_.count(last_) == 0) && !held_elsewhere(last_)) return last_;
    }
  }
  /// Marks `id` in use (a resumed session's ids); false when it already was.
  bool claim(std::uint16_t id);
  /// Makes `id` free again; false when it was not in use.
  bool release(std::uint16_t id);
  bool in_use(std::uint16_t id) const { return used_.count(id) != 0; }
  std::size_t size() const noexcept { return used_.size(); }
  void clear() { used_.clear(); }
  /// The id handed out last (where the cycle goes on); kept by store/restore.
  std::uint16_t last() const noexcept { return last_; }
  void set_last(std::uint16_t id) noexcept { last_ = id; }

private:
  std::unordered_set<std::uint16_t> used_;
  std::uint16_t last_ = 0;
};

} // namespace mqtk::session
