// SPDX-License-Identifier: MIT
// A transport layer between a socket and MQTT bytes, sans-IO: the caller reads and writes the
// socket, a layer only turns bytes into bytes (TLS records, WebSocket frames) and says when its
// handshake is done. Layers stack: wss is WebSocket over TLS over the socket.
#pragma once

#include <memory>
#include <string>

#include "mqtk/core/bytes.hpp"

namespace mqtk::transport {

class layer {
public:
  virtual ~layer() = default;

  /// Bytes from the peer; what they carry for the layer above is appended to `up`. False when
  /// the handshake failed or the peer broke the protocol: error() says why, and take_wire() may
  /// hold a last word worth sending before closing (an HTTP refusal, a close frame, an alert).
  virtual bool from_wire(byte_view in, buffer& up) = 0;
  /// Bytes from the layer above for the peer; held until the handshake is done.
  virtual bool to_wire(byte_view data) = 0;
  /// Appends what is due on the socket to `out`.
  virtual void take_wire(buffer& out) = 0;
  virtual bool has_wire() const = 0;
  /// The handshake is done: the layer above may start.
  virtual bool open() const = 0;
  /// The peer ended the layer cleanly (a close frame, close_notify): no more data will come.
  virtual bool ended() const = 0;
  /// Ends the layer from our side (a close frame 1000, close_notify).
  virtual void end() = 0;
  virtual const std::string& error() const = 0;
  /// The peer certificate's Common Name, for use_identity_as_username; empty when none.
  virtual std::string peer_name() const { return {}; }
  /// One line for traces once open ("TLSv1.3", "WebSocket mqtt").
  virtual std::string describe() const = 0;
};

/// `upper` over `lower`: bytes from the wire pass up through both, bytes to the wire down.
std::unique_ptr<layer> stack(std::unique_ptr<layer> lower, std::unique_ptr<layer> upper);

} // namespace mqtk::transport
