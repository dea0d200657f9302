// SPDX-License-Identifier: MIT
// The subset of mosquitto.conf that a local broker needs.
#pragma once

#include <span>
#include <string>

#include "broker/options.hpp"
#include "mqtk/bridge/bridge_config.hpp"
#include "mqtk/core/result.hpp"

namespace mqtk::app::broker {

/// What the config file said; flags given on the command line override it.
struct file_settings {
  std::vector<listener> listeners;
  std::optional<std::string> bind_address;
  std::optional<std::uint16_t> port;
  security_files security; ///< written above every listener, or for all (see listener)
  std::optional<bool> per_listener_settings;
  std::optional<std::size_t> max_connections;
  std::optional<std::uint32_t> max_packet_size;
  std::optional<std::size_t> message_size_limit;
  std::optional<std::size_t> max_receiving_bytes;
  std::optional<std::size_t> max_inflight_bytes;
  std::optional<std::uint16_t> max_inflight;
  std::optional<std::size_t> max_queued;
  std::optional<std::size_t> max_queued_bytes;
  std::optional<std::size_t> max_queued_bytes_total;
  std::optional<std::size_t> max_retained_messages;
  std::optional<std::size_t> max_retained_bytes;
  std::optional<double> slow_consumer_timeout; ///< seconds
  std::optional<bool> slow_consumer_disconnect;
  std::optional<unsigned> sys_interval;
  std::optional<std::uint16_t> max_keep_alive;
  std::optional<bool> persistence;
  std::optional<std::string> persistence_location;
  std::optional<std::string> persistence_file;
  std::optional<std::string> persistence_sync;
  std::optional<std::size_t> persistence_log_bytes;
  std::optional<std::string> pid_file;
  std::optional<std::string> user;
  std::optional<bool> tcp_nodelay;
  std::optional<bool> retain_available;
  std::vector<std::string> log_dest; ///< "stderr", "stdout", "none", "file:PATH"
  std::optional<bool> connection_messages;
  std::optional<std::uint32_t> log_types; ///< log_type lines together, as log_level bits
  std::optional<bool> log_timestamp;
  std::optional<int> log_facility; ///< syslog's facility code (LOG_LOCALn)
  std::optional<std::string> log_timestamp_format;
  std::vector<mqtk::bridge::bridge_config> bridges; ///< `connection NAME` blocks, in order
  /// Keys taken with a remark (FILE:LINE: what mqtk does instead), for stderr.
  std::vector<std::string> warnings;
};

/// One key of the file: its syntax, what it does, and how it is read (an error message, or
/// empty when the value was taken).
struct config_key {
  const char* key;
  const char* value;
  const char* description;
  std::string (*apply)(const std::string& first, const std::string& second, file_settings& f);
};
std::span<const config_key> config_keys() noexcept;
/// mosquitto 2.0 keys mqtk-broker does not honour: accepted with a warning (what it does
/// instead) or refused (what to do).
struct foreign_key {
  const char* key;
  bool accepted;
  const char* what;
};
std::span<const foreign_key> foreign_keys() noexcept;
/// A key of a bridge block (`connection NAME` and what follows it): its syntax, what it does,
/// and how its values are read (an error, or empty).
struct bridge_key {
  const char* key;
  const char* value;
  const char* description;
  std::string (*apply)(const std::vector<std::string>& values, mqtk::bridge::bridge_config& b);
};
std::span<const bridge_key> bridge_keys() noexcept;
/// False when `key` is no bridge key; else true, with `why` set when the line cannot be taken.
/// `connection NAME` starts a block; the other keys apply to the last block started.
bool read_bridge_line(std::string key, const std::vector<std::string>& values, file_settings& f,
                      std::string& why);
/// The parser's words for a key it does not take: one of mosquitto's refused keys with what to
/// do instead, a plugin's option, or an unknown key.
std::string unknown_key(const std::string& key);
/// One of mosquitto's keys taken with a warning (added to `f.warnings`); false for any other.
bool accepted_foreign(const std::string& key, file_settings& f);
/// mqtk-broker.conf(5), generated from the table above.
std::string config_manual();

/// Reads `path`. Errors name the file, the line and the key: unknown keys and bad values.
result<file_settings> read_config_file(const std::string& path, std::string& error);

} // namespace mqtk::app::broker
