// SPDX-License-Identifier: MIT
// mqtk-pub's run loop: payload sources, acknowledgement tracking, request/response, clean exit.
#include "pub/run.hpp"

#include <asio.hpp>
#include <deque>
#include <fmt/format.h>
#include <iostream>
#include <iterator>
#include <random>

#include "common/colour.hpp"
#include "common/exit_codes.hpp"
#include "common/exit_status.hpp"
#include "common/stderr_line.hpp"
#include "pub/line_source.hpp"

namespace mqtk::app::pub {
namespace {

std::string random_hex(std::size_t bytes) {
  std::random_device rd;
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i)
    out += fmt::format("{:02x}", rd() & 0xFF);
  return out;
}

// Design: one io_context thread runs the connection; line sources are read on a thread of
// their own (line_source.hpp). The io_context is shared with that thread so that a late post
// lands in a live (if stopped) context.
struct publisher {
  explicit publisher(const settings& settings_) : s(settings_) {}
  const settings& s;
  std::shared_ptr<asio::io_context> io = std::make_shared<asio::io_context>(1);
  client::connection conn{*io, s.conn.config, s.conn.where};
  asio::steady_timer timer{*io}; // --repeat-delay, --wait-response
  std::optional<line_reader> reader;
  std::deque<codec::publish> held; // read, waiting for a connection to hand them to
  bool connected = false;
  bool input_done = false;
  bool finishing = false;
  int status = exit_ok;
  unsigned sent = 0;
  std::string payload = s.payload;         // -s fills it once connected
  std::string response_topic, correlation; // --wait-response
  bool awaiting_response = false;
  unsigned responses = 0;
  std::chrono::steady_clock::time_point requested{}; // when the request went out, for --latency

  void say(const std::string& line) const {
    if (!s.conn.quiet) stderr_line(diagnostic(s.conn.colour_err, "mqtk-pub", line));
  }

  void fail(int code, const std::string& why) {
    if (status == exit_ok) status = code;
    say(why);
    input_done = true;
    awaiting_response = false;
    finish();
  }

  void send(codec::publish m) {
    const auto size = m.payload.size();
    if (auto r = conn.publish(std::move(m)); !r) {
      if (r.error() != make_error_code(reason_code::packet_too_large))
        return fail(exit_rejected, "cannot publish: " + r.error().message());
      // Say what would help: the sizes, and where the limit is raised.
      fail(exit_rejected,
           fmt::format("cannot publish: a {}-byte payload is over the broker's Maximum Packet "
                       "Size of {} bytes for the whole PUBLISH (raise it on the broker: "
                       "mqtk-broker --max-packet-size, or max_packet_size in mosquitto.conf)",
                       size, conn.session().limits().maximum_packet_size));
    }
  }

  void send_repeats() {
    codec::publish m{s.topic, payload, 0, s.qos, s.retain, false, s.props};
    if (s.wait_response) {
      m.props.response_topic = response_topic;
      m.props.correlation_data = correlation;
    }
    send(std::move(m));
    if (++sent < s.repeat && status == exit_ok) {
      timer.expires_after(std::chrono::duration_cast<session::duration>(
          std::chrono::duration<double>(s.repeat_delay)));
      timer.async_wait([this](std::error_code ec) {
        if (!ec) send_repeats();
      });
      return;
    }
    input_done = true;
    finish();
  }

  // Lines go into the session only while it is connected; during a reconnect they stay here
  // and the reader waits, so memory stays bounded.
  void drain() {
    std::size_t handed = 0;
    while (!held.empty() && status == exit_ok &&
           conn.session().current_state() == session::client_session::state::connected) {
      send(std::move(held.front()));
      held.pop_front();
      ++handed;
    }
    if (reader) reader->release(handed, conn.session().unacknowledged());
    finish();
  }

  void on_lines(line_reader::batch b, bool end, const std::string& error) {
    for (auto& m : b)
      held.push_back(std::move(m));
    if (end) input_done = true;
    drain();
    if (!error.empty()) fail(exit_usage, error);
  }

  void start_request() {
    if (conn.session().version() != codec::protocol_version::v5)
      return fail(exit_usage, "the broker speaks only MQTT 3.1.1, and --wait-response needs 5");
    response_topic = s.props.response_topic.value_or(
        "mqtk/response/" + s.conn.config.connect.client_id + "/" + random_hex(8));
    correlation = random_hex(16);
    awaiting_response = true;
    if (auto r = conn.subscribe({{response_topic, {2, false, false, 0}}}, {}); !r)
      fail(exit_rejected, "cannot subscribe to the response topic: " + r.error().message());
  }

  void on_response(const codec::publish& m) {
    if (!awaiting_response || m.topic != response_topic || m.props.correlation_data != correlation)
      return;
    const auto round_trip = std::chrono::steady_clock::now() - requested;
    std::string note;
    if (!write_message(s.response_output, m, note) || std::fflush(stdout) != 0)
      return fail(exit_failure, "cannot write to standard output");
    if (!note.empty()) say(note);
    if (s.latency)
      say(fmt::format("response {} after {:.3f} ms", responses + 1,
                      std::chrono::duration<double, std::milli>(round_trip).count()));
    if (++responses < s.responses) return;
    awaiting_response = false;
    timer.cancel();
    finish();
  }

  void begin() {
    switch (s.from) {
    case source::stdin_lines:
    case source::topic_lines:
    case source::jsonl:
      reader.emplace(io, s, [this](line_reader::batch b, bool end, const std::string& error) {
        on_lines(std::move(b), end, error);
      });
      return reader->start();
    case source::stdin_all:
      own_stdin_buffer();
      payload.assign(std::istreambuf_iterator<char>(std::cin), {});
      break;
    default:
      break;
    }
    if (s.wait_response) return start_request();
    send_repeats();
  }

  void on_subscribed(const codec::suback& ack) {
    if (ack.codes.empty() || is_failure(ack.codes[0]))
      return fail(exit_rejected, "the broker refused the response topic subscription");
    timer.expires_after(std::chrono::duration_cast<session::duration>(
        std::chrono::duration<double>(*s.wait_response)));
    timer.async_wait([this](std::error_code ec) {
      if (!ec && awaiting_response)
        fail(exit_timeout, responses == 0 ? "no response within the time given"
                                          : fmt::format("{} of {} responses within the time given",
                                                        responses, s.responses));
    });
    requested = std::chrono::steady_clock::now();
    send_repeats();
  }

  // Done when the input is exhausted, the broker acknowledged every QoS 1/2 message, and any
  // awaited response arrived.
  void finish() {
    if (finishing || !input_done || awaiting_response || !held.empty() ||
        conn.session().unacknowledged() != 0)
      return;
    finishing = true;
    conn.disconnect(reason_code::success, s.conn.props.disconnect);
  }

  void on_done(const session::event::publish_done& d) {
    if (reader) reader->release(0, conn.session().unacknowledged());
    if (is_failure(d.code))
      fail(exit_rejected, fmt::format("publish {} rejected: 0x{:02x} {}{}", d.packet_id,
                                      static_cast<unsigned>(d.code), name(d.code),
                                      d.reason_string ? " (" + *d.reason_string + ")" : ""));
    finish();
  }

  void on_event(const session::client_event& e) {
    if (std::holds_alternative<session::event::connected>(e)) {
      if (connected) return drain(); // reconnected: the session resends what is unacknowledged
      connected = true;
      // One message and no reply expected: nothing can follow our DISCONNECT unless the broker
      // resumed a session (whose subscriptions may deliver).
      const auto& ack = std::get<session::event::connected>(e).ack;
      conn.set_close_at_once(!line_source(s.from) && !s.wait_response && s.repeat == 1 &&
                             !ack.session_present);
      return begin();
    }
    if (const auto* d = std::get_if<session::event::publish_done>(&e)) return on_done(*d);
    if (const auto* a = std::get_if<session::event::subscribe_done>(&e))
      return on_subscribed(a->ack);
    if (const auto* m = std::get_if<session::event::message>(&e)) return on_response(m->message);
    if (const auto* c = std::get_if<session::event::closed>(&e)) {
      if (!finishing) {
        std::string message;
        status = exit_status_for(*c, conn.transport_failure(), connected, s.conn.where,
                                 conn.session().version(), message);
        say(message);
      }
      io->stop();
    }
  }
};

} // namespace

int run(const settings& s) {
  publisher p(s);
  if (s.conn.debug)
    p.conn.set_trace(
        [on = s.conn.colour_err](const std::string& line) { stderr_line(trace_line(on, line)); });
  const auto notice = [&s](const std::string& line) {
    if (!s.conn.quiet) stderr_line(diagnostic(s.conn.colour_err, "mqtk-pub", line));
  };
  // Only the streaming sources reconnect; a one-shot publish reports a loss as exit 7.
  p.conn.set_reconnect({line_source(s.from) && s.conn.reconnect}, notice);
  p.conn.set_version_fallback(s.conn.version_auto);
  asio::signal_set signals(*p.io, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code ec, int) {
    if (ec) return;
    p.status = exit_interrupted;
    p.io->stop();
  });
  p.conn.start([&p](const session::client_event& e) { p.on_event(e); });
  p.io->run();
  return p.status;
}

} // namespace mqtk::app::pub
