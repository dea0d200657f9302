// SPDX-License-Identifier: MIT
// Cyclic allocation of Packet Identifiers.
#include "mqtk/session/packet_id_pool.hpp"

namespace mqtk::session {

std::optional<std::uint16_t> packet_id_pool::allocate() {
  if (used_.size() >= 65'535) return std::nullopt;
  for (;;) {
    last_ = static_cast<std::uint16_t>(last_ == 65'535 ? 1 : last_ + 1);
    if (used_.insert(last_).second) return last_;
  }
}

bool packet_id_pool::claim(std::uint16_t id) {
  return id != 0 && used_.insert(id).second;
}

bool packet_id_pool::release(std::uint16_t id) {
  return used_.erase(id) != 0;
}

} // namespace mqtk::session
