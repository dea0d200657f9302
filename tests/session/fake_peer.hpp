// SPDX-License-Identifier: MIT
// A scripted peer for sans-IO session tests: decodes what the session wrote, encodes replies.
#pragma once

#include <catch2/catch.hpp>

#include <vector>

#include "mqtk/codec/decoder.hpp"
#include "mqtk/codec/encoder.hpp"
#include "mqtk/codec/format.hpp"
#include "mqtk/core/errc.hpp"
#include "mqtk/session/client_session.hpp"

namespace mqtk::testing {

using namespace std::chrono_literals;

/// A fake clock: tests move `now` by hand.
inline session::time_point t(std::chrono::milliseconds ms) {
  return session::time_point{} + ms;
}

struct fake_server {
  codec::protocol_version version;
  codec::stream_decoder decoder{version};

  /// Everything the client wrote since the last call, decoded.
  std::vector<codec::packet> received(session::client_session& s) {
    buffer out;
    s.take_output(out);
    decoder.feed(out);
    std::vector<codec::packet> packets;
    for (;;) {
      auto next = decoder.next();
      REQUIRE(next);
      if (!*next) return packets;
      packets.push_back(std::move(**next));
    }
  }
  void send(session::client_session& s, const codec::packet& p, session::time_point now) {
    buffer b;
    REQUIRE(codec::encode(p, version, b));
    s.on_bytes(b, now);
  }
};

template <class T>
const T& only(const std::vector<codec::packet>& ps) {
  REQUIRE(ps.size() == 1);
  REQUIRE(std::holds_alternative<T>(ps[0]));
  return std::get<T>(ps[0]);
}

template <class T>
std::vector<T> events_of(const std::vector<session::client_event>& events) {
  std::vector<T> out;
  for (const auto& e : events)
    if (const auto* x = std::get_if<T>(&e)) out.push_back(*x);
  return out;
}

} // namespace mqtk::testing
