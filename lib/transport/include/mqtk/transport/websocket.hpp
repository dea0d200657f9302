// SPDX-License-Identifier: MIT
// MQTT over WebSocket (MQTT specs §6) as a transport layer: the handshake, then binary frames.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mqtk/transport/layer.hpp"

namespace mqtk::transport {

struct websocket_client_options {
  std::string host_header; ///< "host:port" for the Host header
  std::string path = "/mqtt";
  std::vector<std::string> headers; ///< extra "Name: value" lines
};

/// The client end: sends the upgrade request at once, masks every frame. Nullptr with `why` when
/// the OpenSSL module (SHA-1, random key) cannot be loaded.
std::unique_ptr<layer> websocket_client(const websocket_client_options& o, std::string& why);
/// The server end: answers the upgrade, refuses what RFC 6455 and [MQTT-6.0.0-x] forbid.
/// `max_frame` bounds a data frame's payload (1009 beyond it).
std::unique_ptr<layer> websocket_server(std::uint64_t max_frame, std::string& why);

} // namespace mqtk::transport
