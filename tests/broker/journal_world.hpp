// SPDX-License-Identifier: MIT
// Random histories for journal tests: five clients with a transport around one broker_core, and
// operations drawn once and applied alike to several cores.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <random>
#include <sstream>

#include "harness.hpp"

namespace mqtk::testing {

inline config journaled() {
  auto c = quiet();
  c.journal = true;
  return c;
}

// One random operation, drawn once and applied to two cores alike.
struct op {
  enum kind_t { connect, disconnect, drop, subscribe, unsubscribe, publish, ack, tick } kind;
  std::size_t client = 0;
  std::uint32_t a = 0, b = 0, c = 0, d = 0, e = 0;
};

inline constexpr std::size_t clients = 5;
inline const std::vector<std::string> filters{"t/#", "t/a", "t/+", "u/b", "+/b"};
inline const std::vector<std::string> topics{"t/a", "t/b", "u/b", "w/x"};

inline op draw(std::mt19937& rng) {
  const auto r = [&](std::uint32_t n) { return static_cast<std::uint32_t>(rng() % n); };
  static const op::kind_t kinds[] = {op::connect,   op::connect,     op::disconnect, op::drop,
                                     op::subscribe, op::unsubscribe, op::publish,    op::publish,
                                     op::publish,   op::ack,         op::ack,        op::tick};
  op o{kinds[r(std::size(kinds))], r(clients), r(1000), r(1000), r(1000), r(1000), r(1000)};
  return o;
}

// A transport and clients around one core: it feeds packets (holding them while the core does
// not read a connection), acknowledges on request, closes what the core closes, and writes down
// everything a client could observe.
struct world {
  broker_core core{[] {
    auto c = journaled();
    c.lim.max_inflight = 3;
    c.lim.max_queued_messages = 6;
    c.lim.receive_maximum = 4;
    return c;
  }()};
  session::time_point now{};
  struct client_model {
    std::optional<connection_id> conn;
    protocol_version v = protocol_version::v5;
    std::vector<packet> owed;    // acknowledgements it will send on `ack`
    std::vector<packet> unacked; // its QoS 1/2 PUBLISHes and PUBRELs, until complete
    buffer held;                 // bytes the core did not want to read yet
    std::uint16_t next_id = 1;
  };
  std::array<client_model, clients> cl;
  std::vector<journal_record> records;

  void send(std::size_t i, const packet& p) {
    auto& m = cl[i];
    buffer b;
    INFO("packet " << p.index() << " in " << codec::to_string(m.v));
    REQUIRE(encode(p, m.v, b));
    m.held.insert(m.held.end(), b.begin(), b.end());
    feed(i);
  }
  void feed(std::size_t i) {
    auto& m = cl[i];
    if (!m.conn || m.held.empty() || !core.wants_read(*m.conn)) return;
    buffer b;
    std::swap(b, m.held);
    core.on_bytes(*m.conn, b, now);
  }
  std::size_t owner(connection_id c) const {
    for (std::size_t i = 0; i < clients; ++i)
      if (cl[i].conn == c) return i;
    return clients;
  }
  // What the clients saw since the last call, by client; their acknowledgements noted.
  std::string settle();
  void apply(const op& o);
  void connect_client(const op& o);
  void hear(std::size_t i, const packet& p);
  /// The clients' own memory (their next ids, unacknowledged messages) as `a`'s clients have it.
  void take_clients(const world& a) {
    for (std::size_t i = 0; i < clients; ++i) {
      cl[i].next_id = a.cl[i].next_id;
      cl[i].unacked = a.cl[i].unacked;
    }
  }
  void crash() { // every connection ends at once, as in a restart
    for (std::size_t i = 0; i < clients; ++i)
      if (cl[i].conn) core.on_closed(*std::exchange(cl[i].conn, std::nullopt), now);
    settle();
    for (auto& m : cl) {
      m.owed.clear();
      m.held.clear();
    }
  }
};

// As a client would: acknowledge what it is sent (on `ack`), and keep its own QoS 1/2 messages
// until they are complete, to send again, with DUP, to a session that is still there.
inline void world::hear(std::size_t i, const packet& p) {
  auto& m = cl[i];
  const auto forget = [&](std::uint16_t id) {
    std::erase_if(m.unacked, [&](const packet& u) {
      const auto* pub = std::get_if<codec::publish>(&u);
      return pub ? pub->packet_id == id : std::get<pubrel>(u).packet_id == id;
    });
  };
  if (const auto* pub = std::get_if<codec::publish>(&p)) {
    if (pub->qos == 1) m.owed.push_back(puback{pub->packet_id, reason_code::success, {}});
    if (pub->qos == 2) m.owed.push_back(pubrec{pub->packet_id, reason_code::success, {}});
  } else if (const auto* rec = std::get_if<pubrec>(&p)) {
    forget(rec->packet_id);
    m.unacked.push_back(pubrel{rec->packet_id, reason_code::success, {}});
    m.owed.push_back(m.unacked.back());
  } else if (const auto* rel = std::get_if<pubrel>(&p)) {
    m.owed.push_back(pubcomp{rel->packet_id, reason_code::success, {}});
  } else if (const auto* ack = std::get_if<puback>(&p)) {
    forget(ack->packet_id);
  } else if (const auto* comp = std::get_if<pubcomp>(&p)) {
    forget(comp->packet_id);
  } else if (const auto* c = std::get_if<connack>(&p)) {
    if (!c->session_present) m.unacked.clear();
    for (auto u : m.unacked) {
      if (auto* again = std::get_if<codec::publish>(&u)) again->dup = true;
      send(i, u);
    }
  }
}

inline std::string world::settle() {
  // By client: the order in which different connections become ready is not theirs to see.
  std::map<std::size_t, std::ostringstream> seen;
  for (int round = 0; round < 50; ++round) {
    bool more = false;
    for (const auto id : core.take_ready()) {
      output out;
      core.take_output(id, out);
      const auto i = owner(id);
      if (i == clients) continue;
      const buffer bytes = out.flatten();
      for (const auto x : bytes)
        seen[i] << static_cast<int>(x) << ',';
      seen[i] << '\n';
      stream_decoder dec(cl[i].v);
      dec.feed(bytes);
      while (auto p = dec.next().value())
        hear(i, *p);
    }
    for (const auto id : core.take_closing()) {
      const auto i = owner(id);
      seen[i] << "closed\n";
      core.on_closed(id, now);
      if (i != clients) cl[i].conn.reset();
      more = true;
    }
    for (const auto id : core.take_resumed()) {
      const auto i = owner(id);
      seen[i] << "resumed\n";
      if (i != clients) feed(i);
      more = true;
    }
    if (!more) break;
  }
  for (auto& r : core.take_journal())
    records.push_back(std::move(r));
  std::string all;
  for (const auto& [i, text] : seen)
    all += std::to_string(i) + ": " + text.str();
  return all;
}

inline void world::connect_client(const op& o) {
  auto& m = cl[o.client];
  m.v = o.a % 10 < 7 ? protocol_version::v5 : protocol_version::v311;
  m.conn = core.on_accept(now).value();
  m.owed.clear();
  m.held.clear();
  codec::connect p;
  p.version = m.v;
  p.client_id = "c" + std::to_string(o.client);
  p.clean_start = o.b % 3 == 0;
  if (m.v == protocol_version::v5) {
    static const std::uint32_t expiries[] = {0, 5, 60, 0xFFFFFFFF};
    p.props.session_expiry_interval = expiries[o.c % 4];
    if (o.d % 3 == 0) p.props.receive_maximum = static_cast<std::uint16_t>(2 + o.d % 2);
  }
  if (o.e % 3 == 0) {
    codec::will_message w;
    w.topic = o.e % 2 ? "t/a" : "w/x";
    w.payload = "will " + p.client_id;
    w.qos = static_cast<std::uint8_t>(o.e % 3);
    w.retain = o.e % 5 == 0;
    // Distinct delays, so that no two wills fall due in one tick by construction alone.
    if (m.v == protocol_version::v5 && o.e % 4 == 0)
      w.props.will_delay_interval = static_cast<std::uint32_t>(o.client + 1);
    p.will = std::move(w);
  }
  send(o.client, p);
}

inline void world::apply(const op& o) {
  auto& m = cl[o.client];
  const bool v5 = m.v == protocol_version::v5;
  switch (o.kind) {
  case op::connect:
    if (!m.conn) connect_client(o);
    break;
  case op::disconnect:
    if (m.conn) {
      codec::disconnect d{
          v5 && o.a % 4 == 0 ? reason_code::disconnect_with_will : reason_code::success, {}};
      if (v5 && o.b % 3 == 0) d.props.session_expiry_interval = o.b % 2 ? 30 : 0;
      send(o.client, d);
    }
    break;
  case op::drop:
    if (m.conn) core.on_closed(*std::exchange(m.conn, std::nullopt), now);
    break;
  case op::subscribe:
    if (m.conn) {
      codec::subscribe s{m.next_id++, {}, {}};
      codec::subscribe_options opt;
      opt.qos = static_cast<std::uint8_t>(o.b % 3);
      const auto& f = filters[o.a % filters.size()];
      if (v5) {
        opt.retain_handling = static_cast<std::uint8_t>(o.c % 3);
        opt.no_local = o.d % 4 == 0;
        opt.retain_as_published = o.e % 2 == 0;
        if (f == "u/b") s.props.subscription_identifiers.push_back(7);
      }
      s.topics.push_back({f, opt});
      send(o.client, s);
    }
    break;
  case op::unsubscribe:
    if (m.conn)
      send(o.client, codec::unsubscribe{m.next_id++, {filters[o.a % filters.size()]}, {}});
    break;
  case op::publish:
    if (m.conn) {
      codec::publish p{topics[o.a % topics.size()],
                       "m" + std::to_string(o.b),
                       0,
                       static_cast<std::uint8_t>(o.c % 3),
                       o.d % 5 == 0,
                       false,
                       {}};
      if (p.retain && o.b % 3 == 0) p.payload.clear();
      if (p.qos != 0) p.packet_id = m.next_id++;
      if (v5 && o.e % 5 == 0) p.props.message_expiry_interval = 1 + o.e % 3;
      if (p.qos != 0) m.unacked.push_back(p);
      send(o.client, p);
    }
    break;
  case op::ack:
    if (m.conn) {
      auto owed = std::exchange(m.owed, {});
      for (const auto& p : owed)
        send(o.client, p);
    }
    break;
  case op::tick:
    now += broker_core::tick_interval * (1 + o.a % 6);
    core.on_tick(now);
    break;
  }
}

/// Drives `a` through `ops` random operations from `rng` (calling `after_each` after each one),
/// then ends every connection as a crash of the broker would.
inline void run_history(world& a, std::mt19937& rng, int ops,
                        const std::function<void()>& after_each = {}) {
  for (int i = 0; i < ops; ++i) {
    a.apply(draw(rng));
    a.settle();
    if (after_each) after_each();
  }
  a.crash();
  if (after_each) after_each();
  REQUIRE(a.core.check_invariants().empty());
}

/// Applies the next `ops` operations to both cores; each must be seen alike by every client.
inline void require_same(world& a, world& b, std::mt19937& rng, int ops) {
  REQUIRE(b.core.session_count() == a.core.session_count());
  for (int i = 0; i < ops; ++i) {
    const op o = draw(rng);
    CAPTURE(i, static_cast<int>(o.kind), o.client);
    a.apply(o);
    b.apply(o);
    REQUIRE(b.settle() == a.settle());
    REQUIRE(b.core.session_count() == a.core.session_count());
  }
  CHECK(b.core.check_invariants().empty());
}

} // namespace mqtk::testing
