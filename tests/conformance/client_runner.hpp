// SPDX-License-Identifier: MIT
// Loads the client_session conformance tables (tests/conformance/client/*.json): the shared step
// vocabulary plus what an application does and sees.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mqtk/codec/packets.hpp"
#include "runner.hpp"

namespace mqtk::conformance {

struct client_step {
  enum class kind {
    wire,       ///< a shared step: send (server to client), expect, expect_nothing, close, tick
    start,      ///< the application connects again: the session sends its CONNECT
    publish,    ///< the application publishes `message`
    disconnect, ///< the application disconnects with reason `code`
    expect_connected, ///< the next event: CONNACK Success with `session_present`
    expect_message,   ///< the next event: `message` delivered (topic, payload, qos, retain)
    expect_done,      ///< the next event: the publish with `packet_id` completed with `code`
    expect_closed     ///< the next event: closed (with reason `code` if given), nothing unread
  } what;
  step wire;
  codec::publish message;
  std::uint16_t packet_id = 0;
  std::optional<std::uint8_t> code;
  bool session_present = false;
};

struct client_case {
  test_case header;              ///< file, name, version; its steps stay empty
  buffer connect;                ///< the CONNECT the client is configured with, and sends first
  std::optional<buffer> connack; ///< the server's answer to it; nullopt: the steps answer
  std::vector<client_step> steps;
};

/// Every case of every table in `dir`. A case's `connect` defaults to $CONNECT5 or $CONNECT3,
/// its `connack` to $CONNACK5 or $CONNACK3 (false: none); throws naming a malformed table.
std::vector<client_case> load_client_tables(const std::string& dir);

} // namespace mqtk::conformance
