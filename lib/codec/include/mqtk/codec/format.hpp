// SPDX-License-Identifier: MIT
// One-line human-readable rendering of packets, for -d traces, logs, test failures and the demo.
#pragma once

#include <string>

#include "mqtk/codec/packets.hpp"

namespace mqtk::codec {

/// e.g. `PUBLISH(topic="a/b", qos=1, id=7, retain=0, dup=0, payload=5 bytes "hello")`.
std::string to_string(const packet& p);
std::string to_string(const properties& props);

} // namespace mqtk::codec
