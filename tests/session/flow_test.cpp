// SPDX-License-Identifier: MIT
// The QoS flow engine shared by client and broker: window, queue, acknowledgements, resend,
// inbound QoS 2, and store/restore.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "mqtk/session/flow.hpp"

using namespace mqtk;
using namespace mqtk::session;
using codec::protocol_version;

namespace {

// Records what the flow asks for, one line each, e.g. "publish 3 dup" or "pubrel 4 0x92".
struct recorder final : flow_output {
  std::vector<std::string> lines;
  bool refuse = false; // answer publish() with false (expired, too large)
  bool publish(const outbound_message& m, bool dup) override {
    lines.push_back("publish " + std::to_string(m.packet_id) + (dup ? " dup" : "") + " " +
                    m.message->topic);
    return !refuse;
  }
  void pubrel(std::uint16_t id, reason_code rc) override {
    lines.push_back("pubrel " + std::to_string(id) + (rc == reason_code::success ? "" : " 0x92"));
  }
  void completed(const outbound_message& m, reason_code rc, const codec::properties&) override {
    lines.push_back("done " + std::to_string(m.packet_id) + " " +
                    std::to_string(static_cast<int>(rc)));
  }
  std::vector<std::string> take() { return std::exchange(lines, {}); }
};

outbound_message msg(std::string topic, std::uint8_t qos) {
  return outbound_message::of(std::make_shared<const codec::publish>(
      codec::publish{std::move(topic), "payload", 0, qos, false, false, {}}));
}

const codec::properties none;
using lines = std::vector<std::string>;

} // namespace

TEST_CASE("flow: the window bounds what is in flight, the rest waits without ids [MQTT-3.3.4-7]",
          "[flow]") {
  flow f;
  recorder out;
  for (const auto* t : {"a", "b", "c"})
    f.enqueue(msg(t, 1));
  f.fill(out, 2);
  CHECK(out.take() == lines{"publish 1 a", "publish 2 b"});
  CHECK(f.queued() == 1);
  CHECK(f.queued_bytes() == 7);
  CHECK(f.on_puback(1, reason_code::success, none, out));
  CHECK(out.take() == lines{"done 1 0"});
  f.fill(out, 2);
  CHECK(out.take() == lines{"publish 3 c"});
  CHECK(f.queued() == 0);
}

TEST_CASE("flow: window_for is Receive Maximum narrowed by max_inflight", "[flow]") {
  CHECK(flow::window_for(100, 0) == 100);
  CHECK(flow::window_for(100, 20) == 20);
  CHECK(flow::window_for(10, 20) == 10);
}

TEST_CASE("flow: PUBLISH, SUBSCRIBE and UNSUBSCRIBE share one id cycle [MQTT-2.2.1-3]", "[flow]") {
  flow f;
  recorder out;
  CHECK(f.claim_request_id() == 1);
  f.enqueue(msg("a", 1));
  f.fill(out, 10);
  CHECK(out.take() == lines{"publish 2 a"});
  CHECK(f.claim_request_id() == 3);
  CHECK(f.release_request_id(1));
  CHECK_FALSE(f.release_request_id(1));
  CHECK_FALSE(f.release_request_id(2)); // a PUBLISH id is not a request's
}

TEST_CASE("flow: QoS 2 outbound moves PUBREC to PUBREL to PUBCOMP (section 4.3.3)", "[flow]") {
  flow f;
  recorder out;
  f.enqueue(msg("a", 2));
  f.fill(out, 10);
  out.take();
  CHECK_FALSE(f.on_puback(1, reason_code::success, none, out)); // wrong kind: ignored
  CHECK_FALSE(f.on_pubcomp(1, reason_code::success, none, out));
  CHECK_FALSE(f.on_pubrec(1, reason_code::success, none, protocol_version::v5, out));
  CHECK(out.take() == lines{"pubrel 1"});
  CHECK(f.inflight().entries().front().state == inflight_state::awaiting_pubcomp);
  CHECK_FALSE(f.on_pubrec(1, reason_code::success, none, protocol_version::v5, out));
  CHECK(out.take() == lines{"pubrel 1"}); // a repeated PUBREC gets PUBREL again
  CHECK(f.on_pubcomp(1, reason_code::success, none, out));
  CHECK(out.take() == lines{"done 1 0"});
  CHECK(f.inflight().empty());
}

TEST_CASE("flow: a failing PUBREC completes without PUBREL, unknown ids get PUBREL 0x92 in v5",
          "[flow]") {
  flow f;
  recorder out;
  f.enqueue(msg("a", 2));
  f.fill(out, 10);
  out.take();
  CHECK(f.on_pubrec(1, reason_code::quota_exceeded, none, protocol_version::v5, out));
  CHECK(out.take() == lines{"done 1 151"});
  CHECK_FALSE(f.on_pubrec(9, reason_code::success, none, protocol_version::v5, out));
  CHECK_FALSE(f.on_pubrec(9, reason_code::success, none, protocol_version::v311, out));
  CHECK(out.take() == lines{"pubrel 9 0x92", "pubrel 9"});
}

TEST_CASE("flow: a QoS 1 message does not answer PUBREC", "[flow]") {
  flow f;
  recorder out;
  f.enqueue(msg("a", 1));
  f.fill(out, 10);
  out.take();
  CHECK_FALSE(f.on_pubrec(1, reason_code::success, none, protocol_version::v5, out));
  CHECK(out.take().empty());
  CHECK(f.inflight().size() == 1);
}

TEST_CASE("flow: resume with a session resends in order with DUP, PUBREL again [MQTT-4.4.0-1]",
          "[flow]") {
  flow f;
  recorder out;
  f.enqueue(msg("a", 1));
  f.enqueue(msg("b", 2));
  f.enqueue(msg("c", 2));
  f.fill(out, 10);
  f.on_pubrec(2, reason_code::success, none, protocol_version::v5, out);
  out.take();
  f.resume(out, true, 10);
  CHECK(out.take() == lines{"publish 1 dup a", "pubrel 2", "publish 3 dup c"});
}

TEST_CASE("flow: resume without a session sends PUBLISHes as new and completes PUBREC'd ones",
          "[flow]") {
  flow f;
  recorder out;
  f.enqueue(msg("a", 1));
  f.enqueue(msg("b", 2));
  f.fill(out, 10);
  f.on_pubrec(2, reason_code::success, none, protocol_version::v5, out);
  CHECK(f.receive_qos2(7, 10) == inbound_qos2::fresh);
  out.take();
  f.resume(out, false, 10);
  CHECK(out.take() == lines{"publish 1 a", "done 2 0"});
  CHECK(f.inbound_pending() == 0); // the peer forgot its side too
}

TEST_CASE("flow: a reconnect resends at most a window, the rest follow as room appears "
          "[MQTT-3.3.4-7]",
          "[flow]") {
  flow f;
  recorder out;
  for (const auto* t : {"a", "b", "c", "d"})
    f.enqueue(msg(t, 1));
  f.enqueue(msg("e", 2));
  f.fill(out, 10);
  f.enqueue(msg("new", 1));
  out.take();
  f.resume(out, true, 2); // the peer came back with Receive Maximum 2
  CHECK(out.take() == lines{"publish 1 dup a", "publish 2 dup b"});
  CHECK_FALSE(f.has_room(10));
  f.fill(out, 2);
  CHECK(out.take().empty());
  CHECK(f.on_puback(1, reason_code::success, none, out));
  f.fill(out, 2);
  CHECK(out.take() == lines{"done 1 0", "publish 3 dup c"});
  // An answer for an owed message means the peer has it: it is not sent again.
  CHECK(f.on_puback(4, reason_code::success, none, out));
  CHECK_FALSE(f.on_pubrec(5, reason_code::success, none, protocol_version::v5, out));
  CHECK(out.take() == lines{"done 4 0", "pubrel 5"});
  f.fill(out, 2);
  CHECK(out.take().empty()); // 3 and 5 are out: the window is full
  CHECK(f.on_puback(2, reason_code::success, none, out));
  f.fill(out, 2);
  CHECK(out.take() == lines{"done 2 0"}); // 3 and 5 (PUBREL'd) are out
  CHECK(f.on_pubcomp(5, reason_code::success, none, out));
  f.fill(out, 2);
  CHECK(out.take() == lines{"done 5 0", "publish 6 new"});
}

// Found by the broker_core fuzz target: a session taken over with a smaller Receive Maximum,
// and the peer answering PUBREC for a message the new connection still owed.
TEST_CASE("flow: a PUBREC for an owed message never takes the window past its size "
          "[MQTT-4.9.0-2]",
          "[flow]") {
  flow f;
  recorder out;
  f.enqueue(msg("a", 1));
  f.enqueue(msg("b", 2));
  f.fill(out, 3);
  out.take();
  f.resume(out, true, 1); // back with Receive Maximum 1: only "a" goes again
  CHECK(out.take() == lines{"publish 1 dup a"});
  CHECK_FALSE(f.on_pubrec(2, reason_code::success, none, protocol_version::v5, out, 1));
  CHECK(out.take() == lines{"pubrel 2"});
  CHECK(f.out_now() == 1); // "b" stays owed: the window is full with "a"
  CHECK(f.on_puback(1, reason_code::success, none, out));
  f.fill(out, 1);
  CHECK(out.take() == lines{"done 1 0", "pubrel 2"}); // its turn: PUBREL again, no PUBLISH
  CHECK(f.out_now() == 1);
  CHECK(f.on_pubcomp(2, reason_code::success, none, out));
  CHECK(out.take() == lines{"done 2 0"});
  CHECK(f.out_now() == 0);
}

TEST_CASE("flow: a message the output refuses is forgotten, on fill and on resume", "[flow]") {
  flow f;
  recorder out;
  f.enqueue(msg("a", 1));
  f.enqueue(msg("b", 1));
  f.fill(out, 10);
  out.refuse = true;
  f.resume(out, true, 10);
  CHECK(f.inflight().empty());
  f.enqueue(msg("c", 1));
  f.fill(out, 10);
  CHECK(f.inflight().empty());
  CHECK(f.queued() == 0);
}

TEST_CASE("flow: inbound QoS 2 is delivered once and bounded by Receive Maximum "
          "[MQTT-4.3.3-10] [MQTT-3.3.4-9]",
          "[flow]") {
  flow f;
  CHECK(f.receive_qos2(1, 2) == inbound_qos2::fresh);
  CHECK(f.receive_qos2(1, 2) == inbound_qos2::duplicate);
  CHECK(f.receive_qos2(2, 2) == inbound_qos2::fresh);
  CHECK(f.receive_qos2(3, 2) == inbound_qos2::over_limit);
  CHECK(f.release_qos2(1, protocol_version::v5) == reason_code::success);
  CHECK(f.release_qos2(1, protocol_version::v5) == reason_code::packet_identifier_not_found);
  CHECK(f.release_qos2(1, protocol_version::v311) == reason_code::success);
  CHECK(f.receive_qos2(3, 2) == inbound_qos2::fresh);
}

TEST_CASE("flow: inbound topic aliases map and resolve (section 3.3.2.3.4)", "[flow][alias]") {
  topic::inbound_aliases aliases(4);
  codec::publish p{"a/b", "", 0, 0, false, false, {}};
  p.props.topic_alias = 2;
  CHECK_FALSE(apply_inbound_alias(aliases, p));
  codec::publish q{"", "", 0, 0, false, false, {}};
  q.props.topic_alias = 2;
  CHECK_FALSE(apply_inbound_alias(aliases, q));
  CHECK(q.topic == "a/b");
  q.topic.clear();
  q.props.topic_alias = 3; // never mapped
  CHECK(apply_inbound_alias(aliases, q) == make_error_code(reason_code::topic_alias_invalid));
}

namespace {

// One random operation on `f`, written to `out`.
void random_step(flow& f, recorder& out, std::mt19937& rng, int n) {
  const auto pick = [&](std::uint16_t max) {
    return static_cast<std::uint16_t>(std::uniform_int_distribution<int>(1, max)(rng));
  };
  switch (pick(9)) {
  case 1:
  case 2:
    f.enqueue(msg("t" + std::to_string(n), static_cast<std::uint8_t>(pick(3) - 1)));
    break;
  case 3:
    f.fill(out, pick(4));
    break;
  case 4:
    f.on_puback(pick(12), reason_code::success, none, out);
    break;
  case 5:
    f.on_pubrec(pick(12), pick(4) == 1 ? reason_code::quota_exceeded : reason_code::success, none,
                protocol_version::v5, out);
    break;
  case 6:
    f.on_pubcomp(pick(12), reason_code::success, none, out);
    break;
  case 7:
    out.lines.push_back(std::to_string(static_cast<int>(f.receive_qos2(pick(12), 6))));
    break;
  case 8:
    out.lines.push_back(
        std::to_string(static_cast<int>(f.release_qos2(pick(12), protocol_version::v5))));
    break;
  default:
    f.resume(out, pick(2) == 1, pick(4));
  }
}

} // namespace

TEST_CASE("flow: restore(store()) behaves as the original on the next 1,000 operations",
          "[flow][store]") {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    flow original;
    recorder out;
    for (int i = 0; i < 200; ++i)
      random_step(original, out, rng, i);
    flow copy = flow::restore(original.store());
    recorder a, b;
    std::mt19937 rng_a(seed * 7919), rng_b(seed * 7919);
    for (int i = 0; i < 1000; ++i) {
      random_step(original, a, rng_a, i);
      random_step(copy, b, rng_b, i);
    }
    INFO("seed " << seed);
    CHECK(a.lines == b.lines);
    CHECK(original.queued_bytes() == copy.queued_bytes());
    CHECK(original.inflight().size() == copy.inflight().size());
  }
}

TEST_CASE("flow: send_or_enqueue sends at once only when nothing waits and there is room",
          "[flow]") {
  flow f;
  recorder out;
  f.send_or_enqueue(msg("a", 1), out, 1);
  CHECK(out.take() == lines{"publish 1 a"});
  f.send_or_enqueue(msg("b", 1), out, 1); // the window is full
  f.send_or_enqueue(msg("c", 0), out, 1); // behind b, even at QoS 0: order is kept
  CHECK(out.take().empty());
  CHECK(f.queued() == 2);
  f.on_puback(1, reason_code::success, none, out);
  f.fill(out, 1);
  CHECK(out.take() == lines{"done 1 0", "publish 2 b", "publish 0 c"});
}
