// SPDX-License-Identifier: MIT
// libFuzzer target for broker_core: several connections at once, driven by the input through
// on_accept / on_bytes / on_tick / on_closed, raw bytes mixed with well-formed packets so the
// fuzzer reaches sessions, queues and QoS flows. After every step the core's invariants must hold
// (broker_core::check_invariants), and at the end a core restored from the journal holds the same
// sessions with its invariants intact; besides that, no crash, leak, UB or hang.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>

#include "mqtk/broker/broker_core.hpp"
#include "mqtk/codec/decoder.hpp"
#include "mqtk/codec/encoder.hpp"

using namespace mqtk;
using namespace mqtk::broker;
using namespace std::chrono_literals;

namespace {

struct input {
  const std::uint8_t* p;
  std::size_t n;
  bool empty() const { return n == 0; }
  std::uint8_t byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  byte_view take(std::size_t k) {
    k = std::min(k, n);
    byte_view v(p, k);
    p += k;
    n -= k;
    return v;
  }
};

struct peer {
  connection_id id;
  codec::protocol_version version = codec::protocol_version::v5;
  codec::stream_decoder reader{codec::protocol_version::v5};
  buffer inbox;
};

struct driver {
  broker_core core;
  session::time_point now{};
  std::map<connection_id, peer> peers;
  std::vector<journal_record> records;
  bool store_failing = false; // set_store_failing(): refusals instead of acknowledgements

  static config settings() {
    config c;
    c.lim.max_inflight = 4;
    c.lim.max_queued_messages = 8;
    c.lim.receive_maximum = 4;
    c.sys_interval = 5s; // $SYS goes through the same routing
    c.journal = true;    // the journal's records are written on every path, and restored
    return c;
  }
  driver() : core(settings()) {}

  peer* pick(input& in) {
    if (peers.empty()) return nullptr;
    auto it = peers.begin();
    std::advance(it, in.byte() % peers.size());
    return &it->second;
  }
  void feed(peer& p, const codec::packet& pk) {
    buffer b;
    if (!codec::encode(pk, p.version, b)) return;
    core.on_bytes(p.id, b, now);
  }
  void check() {
    const auto broken = core.check_invariants();
    if (broken.empty()) return;
    std::fputs(broken.c_str(), stderr);
    std::abort();
  }

  // The transport's part: write what is ready, close what must close, read what it may.
  void pump() {
    for (const auto id : core.take_ready()) {
      output o;
      core.take_output(id, o);
      if (auto it = peers.find(id); it != peers.end()) {
        const auto flat = o.flatten();
        it->second.inbox.insert(it->second.inbox.end(), flat.begin(), flat.end());
      }
    }
    for (const auto id : core.take_closing()) {
      core.on_closed(id, now);
      peers.erase(id);
    }
    (void)core.take_resumed();
    (void)core.take_log();
    for (auto& r : core.take_journal())
      records.push_back(std::move(r));
  }
  // A core rebuilt from the journal holds the same sessions, and its invariants hold.
  void check_restore() {
    broker_core again(settings());
    again.restore(records, now);
    const auto broken = again.check_invariants();
    if (broken.empty() && again.session_count() == core.session_count()) return;
    std::fprintf(stderr, "%s%zu sessions restored of %zu\n", broken.c_str(), again.session_count(),
                 core.session_count());
    std::abort();
  }

  // A well-behaved client reads its inbox and acknowledges every QoS 1/2 message.
  void answer(peer& p) {
    p.reader.set_version(p.version);
    buffer in;
    std::swap(in, p.inbox);
    p.reader.feed(in);
    for (;;) {
      auto r = p.reader.next();
      if (!r || !*r) break;
      if (auto* m = std::get_if<codec::publish>(&**r)) {
        if (m->qos == 1) feed(p, codec::puback{m->packet_id, reason_code::success, {}});
        if (m->qos == 2) feed(p, codec::pubrec{m->packet_id, reason_code::success, {}});
      } else if (auto* rel = std::get_if<codec::pubrel>(&**r)) {
        feed(p, codec::pubcomp{rel->packet_id, reason_code::success, {}});
      }
      if (peers.count(p.id) == 0) return;
    }
    p.reader = codec::stream_decoder(p.version);
  }

  void canned(peer& p, input& in) {
    static const std::array<const char*, 4> topics{"a", "a/b", "b", "$SYS/x"};
    const auto k = in.byte();
    const std::uint16_t id = 1 + in.byte() % 8;
    const std::string topic = topics[(k >> 3) % topics.size()];
    switch (k % 8) {
    case 0: {
      codec::connect c;
      c.version = (k & 0x40) ? codec::protocol_version::v311 : codec::protocol_version::v5;
      c.client_id = "c" + std::to_string(in.byte() % 4);
      c.clean_start = (k & 0x80) != 0;
      c.keep_alive = in.byte() % 4;
      if (c.version == codec::protocol_version::v5) {
        c.props.session_expiry_interval = in.byte() % 3 * 5;
        c.props.receive_maximum = 1 + in.byte() % 4;
      }
      if (k & 0x20) c.will = codec::will_message{topic, "will", 1, false, {}};
      p.version = c.version;
      return feed(p, c);
    }
    case 1:
      return feed(p, codec::subscribe{id, {{k & 0x40 ? "#" : topic, {std::uint8_t(k % 3)}}}, {}});
    case 2:
    case 3: {
      const std::uint8_t qos = (k >> 5) % 3;
      codec::publish m{topic,
                       std::string(in.byte(), 'x'),
                       qos ? id : std::uint16_t{0},
                       qos,
                       (k & 0x80) != 0,
                       false,
                       {}};
      if ((k & 0x10) && p.version == codec::protocol_version::v5)
        m.props.message_expiry_interval = 1;
      return feed(p, m);
    }
    case 4:
      return feed(p, codec::puback{id, reason_code::success, {}});
    case 5:
      return feed(p, codec::pubrec{
                         id, (k & 0x80) ? reason_code::quota_exceeded : reason_code::success, {}});
    case 6:
      return feed(p, codec::pubrel{id, reason_code::success, {}});
    default:
      return feed(p,
                  codec::disconnect{
                      (k & 0x80) ? reason_code::disconnect_with_will : reason_code::success, {}});
    }
  }

  void step(input& in) {
    switch (in.byte() % 8) {
    case 0:
      if (peers.size() < 6)
        if (const auto id = core.on_accept(now)) peers.emplace(*id, peer{*id});
      break;
    case 1:
      if (auto* p = pick(in); p && core.wants_read(p->id)) {
        const auto n = in.byte();
        core.on_bytes(p->id, in.take(n), now);
      }
      break;
    case 2: { // time passes; the high bit also turns the store's failure on or off
      const auto b = in.byte();
      now += std::chrono::milliseconds(100 * (b & 0x7f));
      if (b & 0x80) core.set_store_failing(store_failing = !store_failing);
      core.on_tick(now);
      break;
    }
    case 3:
      if (auto* p = pick(in)) {
        const auto id = p->id;
        peers.erase(id);
        core.on_closed(id, now);
      }
      break;
    case 4:
      if (auto* p = pick(in)) answer(*p);
      break;
    default:
      if (auto* p = pick(in); p && core.wants_read(p->id)) canned(*p, in);
    }
    pump();
    check();
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  driver d;
  input in{data, size};
  while (!in.empty())
    d.step(in);
  d.core.shutdown(d.now);
  d.pump();
  d.check();
  d.check_restore();
  return 0;
}
