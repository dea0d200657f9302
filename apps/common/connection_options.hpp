// SPDX-License-Identifier: MIT
// The connection flags every client tool shares (mosquitto_pub/sub's short flags), validated into
// a session::client_config and an endpoint.
#pragma once

#include <optional>
#include <string>

#include "common/cli_fwd.hpp"

#include "common/property_flags.hpp"
#include "common/transport_options.hpp"
#include "mqtk/client/connection.hpp"

namespace mqtk::app {

struct connection_flags {
  std::string host;
  std::optional<unsigned> port;
  std::string url;
  std::string version = "5";
  std::string id;
  std::string id_prefix;
  std::string username;
  std::string password;
  std::string password_file;
  std::string auth_method; ///< --auth-method: SCRAM-SHA-256 or SCRAM-SHA-512
  unsigned keep_alive = 60;
  bool no_clean = false;
  std::optional<std::uint32_t> session_expiry;
  std::string will_topic;
  std::string will_payload;
  unsigned will_qos = 0;
  bool will_retain = false;
  bool debug = false;
  bool quiet = false;
  unsigned connect_timeout = 10;
  std::optional<std::uint32_t> max_packet_size;
  std::string colour = "auto"; ///< --color
  std::string bind_address;
  std::string unix_path;
  std::string options_file; ///< read before parsing (options_file.hpp); kept for --help
  std::vector<std::vector<std::string>> properties; ///< -D COMMAND NAME VALUE [VALUE]
  bool no_reconnect = false;
  transport_flags transport;
  /// Which of the layered settings the command line gave (the rest came from the options file,
  /// which ranks below the MQTK_* environment).
  struct {
    bool host = false, port = false, url = false, username = false, password = false;
  } given;
};

/// Adds the shared flags to `app`, in a "Connection" group.
void add_connection_flags(CLI::App& app, connection_flags& f);
/// After the command line was parsed: records which layered options it gave.
void note_given(const CLI::App& app, connection_flags& f);

struct connection_settings {
  session::client_config config;
  client::endpoint where;
  property_sets props; ///< -D; connect and will are also in `config` already
  bool version_auto = false;
  bool reconnect = true; ///< unless --no-reconnect; each tool decides where it applies
  std::optional<std::string> url_topic; ///< the topic a URL's path names, if any
  std::string scheme = "mqtt";          ///< from the URL: mqtt, mqtts, ws or wss
  bool port_given = false;              ///< by -p, the URL or $MQTK_PORT
  bool debug = false;
  bool quiet = false;
  bool colour_out = false; ///< --color for standard output (-v topics)
  bool colour_err = false; ///< --color for standard error (-d traces, diagnostics)
};

/// Validates the flags (and MQTK_HOST, MQTK_PORT, MQTK_USERNAME, MQTK_PASSWORD, which rank
/// between the options file and the command line). On error returns nullopt with a message
/// naming the problem in `why`.
std::optional<connection_settings> to_settings(const connection_flags& f, const std::string& tool,
                                               std::string& why);

} // namespace mqtk::app
