// SPDX-License-Identifier: MIT
// mqtk-broker's settings: parsed from flags and the config file, validated before run() sees them.
#pragma once

#include <optional>

#include "common/docgen.hpp"
#include <string>
#include <vector>

#include "broker/log.hpp"
#include "broker/security.hpp"
#include "mqtk/bridge/bridge_config.hpp"
#include "mqtk/broker/config.hpp"
#include "mqtk/transport/tls.hpp"

namespace mqtk::app::broker {

/// A listener's TLS defaults: no client certificate asked for unless require_certificate.
inline transport::tls_options listener_tls() {
  transport::tls_options o;
  o.verify_peer = false;
  return o;
}

struct listener {
  listener() = default;
  listener(std::string a, std::uint16_t p) : address(std::move(a)), port(p) {}
  std::string address; ///< IPv4 or IPv6 literal
  std::uint16_t port = 1883;
  bool websocket = false;
  /// TLS when certfile is set. For a listener, verify_peer asks for a client certificate.
  transport::tls_options tls = listener_tls();
  bool identity_as_username = false;
  bool default_address = false; ///< `listener PORT` without one: socket_domain may choose ::1
  std::string mount_point;      ///< mosquitto's mount_point: its clients' topic prefix
  /// allow_anonymous, password_file and acl_file written under this listener (they are its
  /// own with per_listener_settings true, the broker's otherwise).
  security_files security;
  bool tls_on() const { return !tls.certfile.empty() || !tls.keyfile.empty(); }
  std::string scheme() const {
    return websocket ? (tls_on() ? "wss" : "ws") : (tls_on() ? "mqtts" : "mqtt");
  }
};

struct settings {
  mqtk::broker::config core;
  std::vector<listener> tcp;
  std::vector<std::string> unix_paths;
  std::optional<std::string> port_file; ///< where to write the first TCP port (useful with -p 0)
  /// The database file when persistence is on (persistence_location + persistence_file).
  std::optional<std::string> persistence;
  bool persistence_full_sync = false; ///< persistence_sync full: fsync every commit
  /// persistence_log_bytes: how much log a fold waits for (and a restart may replay).
  std::size_t persistence_log_bytes = std::size_t{4} << 20;
  /// Access rules by listener index (TCP listeners in order, then Unix ones); a single entry
  /// serves them all (per_listener_settings false).
  std::vector<security_files> security;
  bool verbose = false;
  std::optional<std::string> pid_file; ///< written once listening, removed at exit
  std::optional<std::string> user;     ///< `user`: changed to once listening, when root
  bool daemon = false;                 ///< -d: in the background once listening
  bool tcp_nodelay = true;             ///< set_tcp_nodelay
  log_settings log;                    ///< log_dest, log_type, log_timestamp(_format)
  bool test_config = false;            ///< --test-config: check everything, listen nowhere
  std::string config_file;             ///< -c, for messages
  std::vector<mqtk::bridge::bridge_config> bridges; ///< completed (client ids, topics)
};

/// Parses argv (and the -c config file). On --help/--version prints and returns exit 0 in
/// `exit_status`; on a usage or config error prints a message and returns exit 2.
/// The man page text besides the options (manual.cpp).
page_info manual();

std::optional<settings> parse(int argc, char** argv, int& exit_status);

} // namespace mqtk::app::broker
