// SPDX-License-Identifier: MIT
// mqtk-pub's run loop: payload sources, acknowledgement tracking, clean exit.
#include "pub/run.hpp"

#include <asio.hpp>
#include <condition_variable>
#include <fmt/format.h>
#include <iostream>
#include <iterator>
#include <mutex>
#include <thread>

#include "common/exit_codes.hpp"
#include "common/exit_status.hpp"

namespace mqtk::app::pub {
namespace {

// Design: one io_context thread runs the connection; for -l a reader thread posts each line to
// it, so a slow pipe (tail -f) streams instead of being read whole first. The io_context is
// shared with that thread so that a late post lands in a live (if stopped) context.
struct publisher {
  explicit publisher(const settings& settings_) : s(settings_) {}
  const settings& s;
  std::shared_ptr<asio::io_context> io = std::make_shared<asio::io_context>(1);
  client::connection conn{*io, s.conn.config, s.conn.where};
  asio::steady_timer repeat_timer{*io};
  bool connected = false;
  bool input_done = false;
  bool finishing = false;
  int status = exit_ok;
  unsigned sent = 0;
  // -l flow control: the reader thread waits while this many lines are not yet sent on.
  static constexpr std::size_t max_pending_lines = 10'000;
  std::mutex m;
  std::condition_variable room;
  std::size_t pending_lines = 0; // posted by the reader, not yet handed to the session
  std::size_t in_session = 0;    // the session's unacknowledged count, as the IO thread last saw it
  std::string payload = s.payload; // -s fills it once connected

  void say(const std::string& line) const {
    if (!s.conn.quiet) fmt::print(stderr, "mqtk-pub: {}\n", line);
  }

  void send(std::string body) {
    auto r = conn.publish(codec::publish{s.topic, std::move(body), 0, s.qos, s.retain, false, {}});
    if (!r) {
      status = exit_rejected;
      say("cannot publish: " + r.error().message());
      input_done = true;
      finish();
    }
  }

  void send_repeats() {
    send(payload);
    if (++sent < s.repeat && status == exit_ok) {
      repeat_timer.expires_after(std::chrono::duration_cast<session::duration>(
          std::chrono::duration<double>(s.repeat_delay)));
      repeat_timer.async_wait([this](std::error_code ec) {
        if (!ec) send_repeats();
      });
      return;
    }
    input_done = true;
    finish();
  }

  void read_lines() {
    std::thread([io = io, this] {
      // Lines already buffered go over in one batch: one handler and one write for many lines.
      std::vector<std::string> batch;
      std::string line;
      while (std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        batch.push_back(std::move(line));
        if (batch.size() < 1000 && std::cin.rdbuf()->in_avail() > 0) continue;
        {
          std::unique_lock lock(m);
          room.wait(lock, [this] { return pending_lines + in_session < max_pending_lines; });
          pending_lines += batch.size();
        }
        asio::post(*io, [this, b = std::move(batch)]() mutable {
          for (auto& l : b)
            if (!input_done) send(std::move(l));
          update_flow(b.size());
        });
        batch.clear();
      }
      asio::post(*io, [this] {
        input_done = true;
        finish();
      });
    }).detach();
  }

  // IO thread: `handed` lines went to the session; let the reader go on while the session and
  // the posted lines together stay under the bound, so memory stays bounded.
  void update_flow(std::size_t handed) {
    std::lock_guard lock(m);
    pending_lines -= std::min(handed, pending_lines);
    in_session = conn.session().unacknowledged();
    room.notify_one();
  }

  // Done when the input is exhausted and the broker acknowledged every QoS 1/2 message.
  void finish() {
    if (finishing || !input_done || conn.session().unacknowledged() != 0) return;
    finishing = true;
    conn.disconnect();
  }

  void on_event(const session::client_event& e) {
    if (std::holds_alternative<session::event::connected>(e)) {
      connected = true;
      switch (s.from) {
      case source::stdin_lines:
        return read_lines();
      case source::stdin_all:
        payload.assign(std::istreambuf_iterator<char>(std::cin), {});
        return send_repeats();
      default:
        return send_repeats();
      }
    }
    if (const auto* d = std::get_if<session::event::publish_done>(&e)) {
      update_flow(0);
      if (is_failure(d->code)) {
        status = exit_rejected;
        say(fmt::format("publish {} rejected: 0x{:02x} {}{}", d->packet_id,
                        static_cast<unsigned>(d->code), name(d->code),
                        d->reason_string ? " (" + *d->reason_string + ")" : ""));
      }
      return finish();
    }
    if (const auto* c = std::get_if<session::event::closed>(&e)) {
      if (!finishing) {
        std::string message;
        status = exit_status_for(*c, conn.transport_failure(), connected, s.conn.where, message);
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
    p.conn.set_trace([](const std::string& line) { fmt::print(stderr, "{}\n", line); });
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
