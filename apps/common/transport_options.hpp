// SPDX-License-Identifier: MIT
// The TLS and WebSocket flags every client tool shares (mosquitto_pub's names where it has them).
#pragma once

#include <string>
#include <vector>

#include "common/cli_fwd.hpp"

#include "mqtk/client/connection.hpp"

namespace mqtk::app {

struct transport_flags {
  std::string cafile;
  std::string capath;
  std::string cert;
  std::string key;
  std::string tls_version;
  std::string ciphers;
  std::string alpn;
  bool insecure = false;
  bool use_os_certs = false;
  std::string ws_path;
  std::vector<std::string> ws_headers;
  /// Any flag that asks for TLS (mosquitto's rule: a CA or a certificate turns TLS on).
  bool wants_tls() const {
    return !cafile.empty() || !capath.empty() || !cert.empty() || use_os_certs;
  }
};

/// Adds the flags to `app`, in a "TLS and WebSocket" group.
void add_transport_flags(CLI::App& app, transport_flags& f);

/// Sets up `where` for `scheme` (mqtt, mqtts, ws, wss; TLS flags turn mqtt into mqtts and ws
/// into wss). `port_given`: a port came from -p, the URL or $MQTK_PORT; otherwise the scheme's
/// default port is used. Loads the TLS module only when TLS or WebSocket is asked for. On error
/// returns false with a message in `why`; `warning` gets a line worth printing (--insecure).
bool apply_transport(const transport_flags& f, std::string scheme, bool port_given,
                     client::endpoint& where, std::string& why, std::string& warning);

} // namespace mqtk::app
