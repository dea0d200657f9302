// SPDX-License-Identifier: MIT
// A bridge's `address` entries as client endpoints.
#pragma once

#include <memory>
#include <string>

#include "mqtk/bridge/bridge_config.hpp"
#include "mqtk/client/connection.hpp"

namespace mqtk::bridge {

/// `host`, `host:port`, `[v6]:port`, or an mqtt://, mqtts://, ws:// or wss:// URL. TLS (the
/// bridge_* keys) applies to mqtts and wss, and to plain addresses when bridge_cafile or
/// bridge_capath is given, as mosquitto decides. `tls` is made on first need and shared.
result<client::endpoint> endpoint_of(const std::string& address, const bridge_config& cfg,
                                     std::shared_ptr<transport::tls_context>& tls,
                                     std::string& why);

} // namespace mqtk::bridge
