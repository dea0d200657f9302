// SPDX-License-Identifier: MIT
// -F %j and %J: a message as the JSON object mosquitto_sub prints, byte for byte, so scripts
// written against mosquitto_sub's output keep working with mqtk-sub.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "mqtk/codec/packets.hpp"

namespace mqtk::app {

/// How %j / %J are written: mosquitto_sub's keys (tst, topic, qos, retain, payloadlen, mid for
/// QoS > 0, properties for v5, payload) in its order and its JSON library's spelling (cJSON:
/// numbers as %.15g, "\u00XX" for control characters, tabs when `pretty`). %j carries the payload
/// as a string; %J embeds it as JSON and returns nullopt when the payload is not JSON, as
/// mosquitto_sub refuses such a message ("payload is not valid JSON").
std::optional<std::string> mosquitto_json(const codec::publish& m,
                                          std::chrono::system_clock::time_point received,
                                          bool embed_payload, bool pretty);

} // namespace mqtk::app
