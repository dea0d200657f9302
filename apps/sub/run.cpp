// SPDX-License-Identifier: MIT
// mqtk-sub's run loop: subscribe, filter, print, count, time out.
#include "sub/run.hpp"

#include <asio.hpp>
#include <cerrno>
#include <cstdio>
#include <fmt/format.h>

#include "common/exit_codes.hpp"
#include "common/exit_status.hpp"
#include "mqtk/topic/match.hpp"
#include "sub/json_line.hpp"

namespace mqtk::app::sub {
namespace {

struct subscriber {
  explicit subscriber(const settings& settings_) : s(settings_) {}
  const settings& s;
  asio::io_context io{1};
  client::connection conn{io, s.conn.config, s.conn.where};
  asio::steady_timer deadline{io};
  bool connected = false;
  bool finishing = false;
  int status = exit_ok;
  unsigned printed = 0;

  void say(const std::string& line) const {
    if (!s.conn.quiet) fmt::print(stderr, "mqtk-sub: {}\n", line);
  }

  void end(int code) {
    if (finishing) return;
    finishing = true;
    status = code;
    deadline.cancel();
    conn.disconnect();
  }

  bool wanted(const codec::publish& m) const {
    if (s.skip_retained && m.retain) return false;
    if (s.retained_only && !m.retain) return false;
    for (const auto& f : s.filter_out)
      if (topic::match(f, m.topic)) return false;
    return true;
  }

  // stdout is flushed per message, so a pipe sees each one as it arrives; a closed pipe
  // (`| head -1`) ends the tool quietly with 0.
  void print(const codec::publish& m) {
    std::string line = s.json ? json_line(m, std::chrono::system_clock::now())
                              : (s.verbose ? m.topic + " " + m.payload : m.payload);
    if (s.json || !s.no_newline) line.push_back('\n');
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() ||
        std::fflush(stdout) != 0) {
      if (errno == EPIPE) return end(exit_ok);
      say("cannot write to standard output");
      return end(exit_failure);
    }
  }

  void on_event(const session::client_event& e) {
    if (std::holds_alternative<session::event::connected>(e)) {
      connected = true;
      std::vector<codec::subscription> subs;
      for (const auto& t : s.topics)
        subs.push_back({t, {s.qos, false, false, 0}});
      if (auto r = conn.subscribe(std::move(subs), {}); !r) {
        say("cannot subscribe: " + r.error().message());
        end(exit_rejected);
      }
      return;
    }
    if (const auto* d = std::get_if<session::event::subscribe_done>(&e)) {
      for (std::size_t i = 0; i < d->ack.codes.size(); ++i)
        if (is_failure(d->ack.codes[i])) {
          say(fmt::format("subscription to {} refused: 0x{:02x} {}", s.topics[i],
                          static_cast<unsigned>(d->ack.codes[i]), name(d->ack.codes[i])));
          return end(exit_rejected);
        }
      return;
    }
    if (const auto* m = std::get_if<session::event::message>(&e)) {
      if (finishing || !wanted(m->message)) return;
      if (s.retained_only && !m->message.retain) return end(exit_ok);
      print(m->message);
      if (s.count && ++printed >= *s.count) end(exit_ok);
      return;
    }
    if (const auto* c = std::get_if<session::event::closed>(&e)) {
      if (!finishing) {
        std::string message;
        status = exit_status_for(*c, conn.transport_failure(), connected, s.conn.where, message);
        say(message);
      }
      io.stop();
    }
  }
};

} // namespace

int run(const settings& s) {
  subscriber sub(s);
  if (s.conn.debug)
    sub.conn.set_trace([](const std::string& line) { fmt::print(stderr, "{}\n", line); });
  asio::signal_set signals(sub.io, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code ec, int sig) {
    if (!ec) sub.end(sig == SIGINT ? exit_interrupted : exit_ok);
  });
  if (s.timeout) {
    sub.deadline.expires_after(std::chrono::seconds(*s.timeout));
    sub.deadline.async_wait([&](std::error_code ec) {
      if (ec) return;
      sub.say("timed out");
      sub.end(exit_timeout);
    });
  }
  sub.conn.start([&sub](const session::client_event& e) { sub.on_event(e); });
  sub.io.run();
  return sub.status;
}

} // namespace mqtk::app::sub
