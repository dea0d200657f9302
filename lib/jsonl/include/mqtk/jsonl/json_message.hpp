// SPDX-License-Identifier: MIT
// The NDJSON form of a message (DESIGN.md section 3), both ways: mqtk-sub -j writes it and
// mqtk-pub --jsonl reads it back, byte for byte.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "mqtk/codec/packets.hpp"
#include "mqtk/core/result.hpp"

namespace mqtk::jsonl {

/// One line of JSON: {"timestamp", "topic", "qos", "retain", "payload_encoding", "payload",
/// and "properties" when there are any}. A payload that is JSON and reads back to the same bytes
/// stays JSON ("json"); other UTF-8 text is a string ("utf8"); anything else is base64
/// ("base64"). The timestamp is RFC 3339 UTC with microseconds.
std::string json_line(const codec::publish& m, std::chrono::system_clock::time_point received);

/// Reads a line json_line() wrote (or one written by hand: only "topic" is required; qos and
/// retain default to 0/false, payload_encoding to "json" for a non-string payload and "utf8"
/// for a string). On error returns nullopt with what is wrong in `why`.
std::optional<codec::publish> message_from_json(std::string_view line, std::string& why);

/// `text` indented for people when it is JSON; nullopt when it is not.
std::optional<std::string> indented_json(std::string_view text);

} // namespace mqtk::jsonl
