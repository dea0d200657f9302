// SPDX-License-Identifier: MIT
// The RFC 6455 §4 opening handshake over HTTP/1.1, both ends, as text in and text out. The
// Sec-WebSocket-Accept value needs SHA-1: callers compute it from accept_source() (transport
// does it with OpenSSL) and hand it in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mqtk::websocket {

/// The largest request or response head accepted (headers included).
inline constexpr std::size_t max_head = 8192;

/// The length of the HTTP head at the start of `bytes` (through the blank line), or 0 while the
/// blank line has not arrived.
std::size_t head_length(std::string_view bytes) noexcept;

/// What to hash for Sec-WebSocket-Accept: the key followed by RFC 6455's GUID.
std::string accept_source(std::string_view key);

// --- server side

/// A checked upgrade request. When `status` is not 101, answer with error_response(status, why)
/// and close.
struct upgrade_request {
  int status = 101;
  std::string why;
  std::string path;
  std::string key;
  std::string protocol; ///< the subprotocol chosen: "mqtt", or "mqttv3.1" from older clients
};

/// Checks a request head: GET, HTTP/1.1, Upgrade: websocket, Connection: upgrade, version 13, a
/// 16-byte base64 key, and an MQTT subprotocol offered [MQTT-6.0.0-3].
upgrade_request parse_request(std::string_view head);

/// 101 Switching Protocols naming the chosen subprotocol [MQTT-6.0.0-4].
std::string switching_response(std::string_view accept, std::string_view protocol);

/// A refusal (400, 426 with the version we speak, ...) with a one-line text body.
std::string error_response(int status, std::string_view why);

// --- client side

/// The upgrade request; `extra_headers` are complete "Name: value" lines (--ws-header).
std::string client_request(std::string_view host_header, std::string_view path,
                           std::string_view key, const std::vector<std::string>& extra_headers);

/// Checks the server's answer. Empty when it accepted; otherwise why not, in words.
std::string check_response(std::string_view head, std::string_view expected_accept);

} // namespace mqtk::websocket
