// SPDX-License-Identifier: MIT
// mqtk-broker's log: mosquitto's log_dest, log_type and log_timestamp, one line per event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqtk/broker/log.hpp"

namespace mqtk::app::broker {

using mqtk::broker::log_level;

/// mosquitto's default log_type set: error, warning, notice and information.
constexpr std::uint32_t default_log_types =
    mqtk::broker::bit(log_level::error) | mqtk::broker::bit(log_level::warning) |
    mqtk::broker::bit(log_level::notice) | mqtk::broker::bit(log_level::information);
constexpr std::uint32_t all_log_types = 0x7f;

struct log_settings {
  std::vector<std::string> dest{"stderr"}; ///< "stderr", "stdout", "none", "syslog", "file:PATH"
  int syslog_facility = 3 << 3;            ///< LOG_DAEMON; log_facility N is LOG_LOCALN
  std::uint32_t types = default_log_types; ///< a bit per log_level
  /// Timestamps on every line; unset: on each destination that is not a terminal.
  std::optional<bool> timestamp;
  std::string timestamp_format; ///< strftime(3); empty: ISO 8601 with milliseconds and offset
};

/// A log_type value as its bits ("all", "none", "websockets" as debug); false for an unknown.
bool log_type_bits(const std::string& name, std::uint32_t& bits);

/// Opens the destinations (a file is appended to); false, told on stderr, when one cannot be.
bool open_log(const log_settings& s);
/// log_dest files again (SIGHUP): logrotate moves a file away and the next line goes to a new one.
void reopen_log();
/// Whether lines of `level` are written at all (the core need not make lines nobody reads).
bool logs(log_level level);
/// Writes `line` to every destination when its level is logged. Control characters in it (a
/// client id or topic holding a newline) are escaped, so no client can forge a log line.
void say(log_level level, const std::string& line);
inline void say(const std::string& line) {
  say(log_level::information, line);
}
/// A failure that stops the broker: logged as an error, and on stderr whatever log_dest says.
void fail(const std::string& line);

} // namespace mqtk::app::broker
