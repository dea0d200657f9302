// SPDX-License-Identifier: MIT
// The exit statuses every mqtk tool documents (DESIGN.md section 3).
#pragma once

namespace mqtk::app {

enum exit_code : int {
  exit_ok = 0,
  exit_failure = 1,         ///< the tool could not do its job (e.g. the broker cannot listen)
  exit_usage = 2,           ///< bad flags, bad URL, bad topic, bad config file
  exit_unreachable = 3,     ///< could not reach the broker
  exit_refused = 4,         ///< CONNACK failure
  exit_rejected = 5,        ///< PUBACK/PUBREC/SUBACK failure
  exit_timeout = 6,         ///< -W or no acknowledgement in time
  exit_connection_lost = 7, ///< connection lost and not recovered
  exit_interrupted = 130,   ///< SIGINT
};

} // namespace mqtk::app
