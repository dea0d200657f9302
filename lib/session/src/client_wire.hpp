// SPDX-License-Identifier: MIT
// Internal: how client_session gives the flow engine its output (packets into the session's
// buffer, completions as events).
#pragma once

#include "mqtk/session/client_session.hpp"

namespace mqtk::session {

struct client_session::wire final : flow_output {
  wire(client_session& session, time_point at) : s(session), now(at) {}
  bool publish(const outbound_message& m, bool dup) override {
    s.send_publish(m, dup, now);
    return true;
  }
  void pubrel(std::uint16_t id, reason_code rc) override { s.send(codec::pubrel{id, rc, {}}, now); }
  void completed(const outbound_message& m, reason_code rc,
                 const codec::properties& props) override {
    s.events_.push_back(event::publish_done{m.packet_id, rc, props.reason_string});
  }

  client_session& s;
  time_point now;
};

} // namespace mqtk::session
