// SPDX-License-Identifier: MIT
// -F output formats (mqtk-sub, mqtk-pub --wait-response): mosquitto_sub's % and @ codes, and
// its backslash escapes.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "mqtk/codec/packets.hpp"

namespace mqtk::app {

/// Checks a -F format; returns what is wrong ("unknown code %z") or an empty string.
std::string check_format(std::string_view format);

/// Renders one message. Codes (mosquitto_sub's): %t topic, %p payload, %x/%X payload in hex,
/// %l payload length, %q QoS, %r retain (0/1), %m packet id, %I ISO 8601 time, %U Unix time with
/// nanoseconds, %j/%J mosquitto_sub's JSON object (payload as a string / embedded as JSON,
/// tab-indented when `pretty`), v5: %A topic alias, %C content type, %D correlation data,
/// %E message expiry, %F payload format indicator, %P user properties (key:value, space
/// separated), %R response topic, %S subscription identifiers; %% a percent sign. @ codes are
/// strftime's (@Y, @m, @d, @H, @M, @S, ...), @N nanoseconds, @@ an at sign. Escapes: \\ \0 \a
/// \e \n \r \t \v. A code may carry printf's '-' flag, a width and a .precision: %-20t, %.8p.
/// Where %J meets a payload that is not JSON, it shows nothing and `whole` is false.
std::string render(std::string_view format, const codec::publish& m,
                   std::chrono::system_clock::time_point received, bool pretty, bool& whole);

} // namespace mqtk::app
