// SPDX-License-Identifier: MIT
// Seeded random *valid* packets for round-trip, split and robustness tests (and fuzz seeds).
#pragma once

#include <random>

#include "mqtk/codec/packets.hpp"

namespace mqtk::testing {

/// A random packet that is valid in version `v`, so that decode(encode(p)) == p must hold.
codec::packet random_packet(std::mt19937_64& rng, codec::protocol_version v);

} // namespace mqtk::testing
