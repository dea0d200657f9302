// SPDX-License-Identifier: MIT
// The client conformance tables (tests/conformance/client) against the sans-IO client_session,
// with a fake clock. Each case starts with the session's CONNECT and, unless it says otherwise,
// the server's CONNACK; at its end nothing the session wrote or reported may be left unchecked.
#include <catch2/catch.hpp>

#include <deque>
#include <set>
#include <sstream>

#include "client_runner.hpp"
#include "mqtk/codec/decoder.hpp"
#include "mqtk/session/client_session.hpp"

using namespace mqtk;
using conformance::client_step;
using conformance::step;

namespace {

session::client_config config_of(const conformance::client_case& c) {
  const auto version =
      c.header.version == "5" ? codec::protocol_version::v5 : codec::protocol_version::v311;
  auto p = codec::decode(c.connect, version);
  REQUIRE(p);
  REQUIRE(std::holds_alternative<codec::connect>(*p));
  session::client_config config;
  config.connect = std::get<codec::connect>(*p);
  return config;
}

std::string describe(const session::client_event& e) {
  std::ostringstream o;
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, session::event::connected>)
          o << "connected, session present " << x.ack.session_present;
        else if constexpr (std::is_same_v<T, session::event::message>)
          o << "message " << x.message.topic << " '" << x.message.payload << "' qos "
            << int(x.message.qos) << " retain " << x.message.retain;
        else if constexpr (std::is_same_v<T, session::event::publish_done>)
          o << "publish_done " << x.packet_id << " code " << int(x.code);
        else if constexpr (std::is_same_v<T, session::event::closed>)
          o << "closed: " << x.error.message();
        else
          o << "a subscribe or unsubscribe completion";
      },
      e);
  return o.str();
}

// The same rule may be checked under the same words for both versions.
std::string section_name(const conformance::client_case& c) {
  return c.header.file + " (" + c.header.version + "): " + c.header.name;
}

class client_driver {
public:
  explicit client_driver(const conformance::client_case& c) : case_(c), s_(config_of(c)) {}

  void run() {
    s_.start(now_);
    {
      INFO("the configured CONNECT");
      expect_bytes(case_.connect);
    }
    if (case_.connack) {
      INFO("the default CONNACK");
      s_.on_bytes(*case_.connack, now_);
      next_event<session::event::connected>();
    }
    for (std::size_t i = 0; i < case_.steps.size(); ++i) {
      INFO("step " << i + 1);
      apply(case_.steps[i]);
    }
    INFO("after the last step");
    pump();
    CHECK(to_hex(inbox_) == "");
    for (const auto& e : events_)
      FAIL_CHECK("unexpected event: " << describe(e));
  }

private:
  void pump() {
    buffer out;
    s_.take_output(out);
    inbox_.insert(inbox_.end(), out.begin(), out.end());
    for (auto& e : s_.take_events())
      events_.push_back(std::move(e));
  }

  void expect_bytes(const buffer& want) {
    pump();
    const auto n = std::min(inbox_.size(), want.size());
    CHECK(to_hex(byte_view(inbox_.data(), n)) == to_hex(want));
    inbox_.erase(inbox_.begin(), inbox_.begin() + static_cast<std::ptrdiff_t>(n));
  }

  // The next event, which must be a T.
  template <class T>
  std::optional<T> next_event() {
    pump();
    if (events_.empty()) {
      FAIL_CHECK("no event");
      return std::nullopt;
    }
    auto e = std::move(events_.front());
    events_.pop_front();
    if (auto* x = std::get_if<T>(&e)) return std::move(*x);
    FAIL_CHECK("unexpected event: " << describe(e));
    return std::nullopt;
  }

  void apply(const client_step& s) {
    switch (s.what) {
    case client_step::kind::wire:
      return apply_wire(s.wire);
    case client_step::kind::start:
      return s_.start(now_);
    case client_step::kind::publish: {
      const auto r = s_.publish(s.message, now_);
      if (!r) FAIL_CHECK("publish refused: " << r.error().message());
      return;
    }
    case client_step::kind::disconnect:
      return s_.disconnect(static_cast<reason_code>(*s.code), {}, now_);
    case client_step::kind::expect_connected:
      if (auto c = next_event<session::event::connected>())
        CHECK(c->ack.session_present == s.session_present);
      return;
    case client_step::kind::expect_message:
      return check_message(s.message);
    case client_step::kind::expect_done:
      if (auto d = next_event<session::event::publish_done>()) {
        CHECK(d->packet_id == s.packet_id);
        CHECK(int(d->code) == int(*s.code));
      }
      return;
    case client_step::kind::expect_closed:
      if (auto c = next_event<session::event::closed>(); c && s.code)
        CHECK(c->error == make_error_code(static_cast<reason_code>(*s.code)));
      CHECK(to_hex(inbox_) == ""); // nothing more to say
      return;
    }
  }

  void check_message(const codec::publish& want) {
    const auto m = next_event<session::event::message>();
    if (!m) return;
    CHECK(m->message.topic == want.topic);
    CHECK(m->message.payload == want.payload);
    CHECK(int(m->message.qos) == int(want.qos));
    CHECK(m->message.retain == want.retain);
  }

  void apply_wire(const step& w) {
    switch (w.what) {
    case step::kind::send:
      return s_.on_bytes(w.bytes, now_);
    case step::kind::expect:
      return expect_bytes(w.bytes);
    case step::kind::expect_nothing:
      pump();
      CHECK(to_hex(inbox_) == "");
      for (const auto& e : events_)
        FAIL_CHECK("unexpected event: " << describe(e));
      events_.clear();
      return;
    case step::kind::close:
      return s_.on_connection_lost();
    case step::kind::tick:
      now_ = session::time_point{} + std::chrono::milliseconds(w.ms);
      return s_.on_tick(now_);
    case step::kind::expect_closed: // parsed as the client's own expect_closed
    case step::kind::expect_disconnect:
    case step::kind::expect_connack:
      FAIL("not a step of the client tables");
    }
  }

  const conformance::client_case& case_;
  session::client_session s_;
  session::time_point now_{};
  buffer inbox_;
  std::deque<session::client_event> events_;
};

} // namespace

TEST_CASE("client conformance tables against client_session", "[conformance][client]") {
  static const auto cases = conformance::load_client_tables(MQTK_CLIENT_CONFORMANCE_DIR);
  REQUIRE(cases.size() > 0);
  for (const auto& tc : cases) {
    DYNAMIC_SECTION(section_name(tc)) {
      client_driver d(tc);
      d.run();
    }
  }
}

// Catch enters a section once per name: two cases under one name would run only the first.
TEST_CASE("the client table cases have distinct names", "[conformance][client]") {
  std::set<std::string> names;
  for (const auto& tc : conformance::load_client_tables(MQTK_CLIENT_CONFORMANCE_DIR)) {
    INFO(section_name(tc));
    CHECK(names.insert(section_name(tc)).second);
  }
}

TEST_CASE("the client tables cite normative statements", "[conformance][client]") {
  static const auto cases = conformance::load_client_tables(MQTK_CLIENT_CONFORMANCE_DIR);
  std::vector<conformance::test_case> headers;
  for (const auto& c : cases)
    headers.push_back(c.header);
  const auto v311 = conformance::statement_ids(headers, "3.1.1");
  const auto v5 = conformance::statement_ids(headers, "5");
  WARN("client statements covered: " << v311.size() << " of 3.1.1, " << v5.size() << " of 5.0, "
                                     << cases.size() << " cases");
  CHECK(v311.size() + v5.size() >= 15);
}
