// SPDX-License-Identifier: MIT
// Counters the broker keeps and publishes under $SYS/broker/.
#pragma once

#include <cstdint>

namespace mqtk::broker {

struct stats {
  std::uint64_t messages_received = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t publish_dropped = 0; ///< every message the broker did not deliver, for any reason
  std::uint64_t connections_total = 0;
  std::uint64_t protocol_errors = 0;
};

} // namespace mqtk::broker
