// SPDX-License-Identifier: MIT
// The client's side of an MQTT 5 enhanced authentication method (section 4.12), such as SCRAM.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "mqtk/core/result.hpp"

namespace mqtk::session {

/// Steps of one method; client_session drives it through CONNECT, AUTH and CONNACK. A failing
/// step closes the connection with its error.
class enhanced_auth {
public:
  virtual ~enhanced_auth() = default;
  /// A fresh copy for another session: each keeps its own exchange state.
  virtual std::shared_ptr<enhanced_auth> clone() const = 0;
  /// The Authentication Method, e.g. "SCRAM-SHA-256".
  virtual std::string method() const = 0;
  /// The CONNECT's Authentication Data; called at each connection attempt (a fresh start).
  virtual result<std::string> first() = 0;
  /// The server's AUTH 0x18 data in, the data of the client's AUTH 0x18 out.
  virtual result<std::string> next(std::string_view server_data) = 0;
  /// The CONNACK's Authentication Data: where the server proves itself (SCRAM's signature).
  virtual result<void> finish(std::string_view server_data) = 0;
};

} // namespace mqtk::session
