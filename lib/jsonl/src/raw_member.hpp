// SPDX-License-Identifier: MIT
// The text of one member of a JSON object exactly as written, which a parsed value cannot give
// back (spacing, number spelling, escapes): what lets a JSON payload embedded in a -j line
// replay to its original bytes.
#pragma once

#include <optional>
#include <string_view>

namespace mqtk::jsonl {

/// The text of the value of top-level member `key` in `object`, without surrounding whitespace;
/// the last one when the key repeats (as a parser keeps it). `object` must be valid JSON (parse
/// it first); nullopt when it is not an object or has no such member.
std::optional<std::string_view> raw_member(std::string_view object, std::string_view key);

} // namespace mqtk::jsonl
