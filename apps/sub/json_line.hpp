// SPDX-License-Identifier: MIT
// The NDJSON form of a received message (DESIGN.md section 3): lossless and binary-safe.
#pragma once

#include <string>

#include "mqtk/codec/packets.hpp"
#include "mqtk/session/time.hpp"

namespace mqtk::app::sub {

/// One line of JSON: {"timestamp", "topic", "qos", "retain", "payload", "payload_encoding",
/// and "properties" when there are any}. A payload that is JSON stays JSON ("json"), UTF-8 text
/// stays a string ("utf8"), anything else is base64 ("base64"). The timestamp is RFC 3339 UTC
/// with microseconds.
std::string json_line(const codec::publish& m, std::chrono::system_clock::time_point received);

std::string base64(std::string_view bytes);

} // namespace mqtk::app::sub
