// SPDX-License-Identifier: MIT
// Standard base64 (RFC 4648 section 4), both ways: binary payloads and properties in JSON lines.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mqtk {

/// `bytes` as base64, padded.
std::string base64(std::string_view bytes);
/// Decodes standard base64 (padding optional); nullopt on a character outside the alphabet.
std::optional<std::string> from_base64(std::string_view text);

} // namespace mqtk
