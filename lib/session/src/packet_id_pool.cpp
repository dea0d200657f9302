// SPDX-License-Identifier: MIT
// Cyclic allocation of Packet Identifiers.
#include "mqtk/session/packet_id_pool.hpp"

namespace mqtk::session {

std::optional<std::uint16_t> packet_id_pool::allocate() {
  const auto id = next_free([](std::uint16_t) { return false; }, 0);
  if (id) used_.insert(*id);
  return id;
}

bool packet_id_pool::claim(std::uint16_t id) {
  return id != 0 && used_.insert(id).second;
}

bool packet_id_pool::release(std::uint16_t id) {
  return used_.erase(id) != 0;
}

} // namespace mqtk::session
