// SPDX-License-Identifier: MIT
// A sans-IO harness for broker_core tests: connect clients, send packets, read what came back.
#pragma once

#include <catch2/catch.hpp>

#include "mqtk/broker/broker_core.hpp"
#include "mqtk/codec/decoder.hpp"
#include "mqtk/codec/encoder.hpp"

#include <map>

namespace mqtk::testing {

using namespace mqtk::broker;
using namespace mqtk::codec;

struct harness {
  broker_core core;
  session::time_point now{};
  explicit harness(config c) : core(std::move(c)) {}

  connection_id connect(std::string id, protocol_version v = protocol_version::v5) {
    const auto c = core.on_accept(now).value();
    codec::connect p;
    p.version = v;
    p.client_id = std::move(id);
    send(c, p, v);
    return c;
  }
  void send(connection_id c, const packet& p, protocol_version v = protocol_version::v5) {
    buffer b;
    REQUIRE(encode(p, v, b));
    core.on_bytes(c, b, now);
  }
  std::vector<packet> received(connection_id c, protocol_version v = protocol_version::v5) {
    for (const auto id : core.take_ready()) { // keep every connection's bytes, not only c's
      output o;
      core.take_output(id, o);
      const buffer b = o.flatten();
      inbox[id].insert(inbox[id].end(), b.begin(), b.end());
    }
    std::vector<packet> out;
    stream_decoder d(v);
    d.feed(inbox[c]);
    while (auto p = d.next().value())
      out.push_back(*p);
    inbox[c].clear();
    return out;
  }
  std::map<connection_id, buffer> inbox;
};

inline config quiet() {
  config c;
  c.sys_interval = session::duration::zero();
  return c;
}

} // namespace mqtk::testing
