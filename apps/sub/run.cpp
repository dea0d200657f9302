// SPDX-License-Identifier: MIT
// mqtk-sub's run loop: (re)subscribe, filter, print, count, time out.
#include "sub/run.hpp"

#include <asio.hpp>
#include <cerrno>
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <set>
#include <vector>

#include "common/colour.hpp"
#include "common/exit_codes.hpp"
#include "common/exit_status.hpp"
#include "common/message_format.hpp"
#include "common/stderr_line.hpp"
#include "mqtk/topic/match.hpp"
#include "sub/watch.hpp"

namespace mqtk::app::sub {
namespace {

struct subscriber {
  explicit subscriber(const settings& settings_) : s(settings_) {}
  const settings& s;
  asio::io_context io{1};
  client::connection conn{io, s.conn.config, s.conn.where};
  asio::steady_timer deadline{io};
  asio::steady_timer suback_wait{io}; // a SUBACK that never comes must not leave us waiting
  bool connected = false;
  bool finishing = false;
  int status = exit_ok;
  unsigned printed = 0;
  std::set<std::string> cleared;     // --remove-retained: topics whose echo of the clear to skip
  std::unique_ptr<watch_view> watch; // --watch
  // What --watch's screen would hide: said once the terminal is given back.
  mutable std::vector<std::string> held;

  void say(const std::string& line) const {
    if (s.conn.quiet) return;
    if (watch) return held.push_back(line);
    stderr_line(diagnostic(s.conn.colour_err, "mqtk-sub", line));
  }

  // Gives the terminal back, then says what happened meanwhile.
  void end_watch() {
    watch.reset();
    for (const auto& line : held)
      stderr_line(diagnostic(s.conn.colour_err, "mqtk-sub", line));
    held.clear();
  }

  void end(int code) {
    if (finishing) return;
    finishing = true;
    status = code;
    deadline.cancel();
    suback_wait.cancel();
    if (watch) watch->stop();
    conn.disconnect(reason_code::success, s.conn.props.disconnect);
  }

  bool wanted(const codec::publish& m) const {
    if (s.skip_retained && m.retain) return false;
    if (s.retained_only && !m.retain) return false;
    for (const auto& f : s.filter_out)
      if (topic::match(f, m.topic)) return false;
    return true;
  }

  // Design: stdout is flushed once per batch of messages that arrived together (one read), right
  // after the batch, so a pipe sees each message as it arrives without a write(2) per message
  // at high rates. A closed pipe (`| head -1`) ends the tool quietly with 0.
  bool flush_posted = false;
  void print(const codec::publish& m) {
    if (watch) {
      bool whole = true;
      return watch->add(
          m, s.output.format.empty()
                 ? m.payload
                 : render(s.output.format, m, std::chrono::system_clock::now(), false, whole));
    }
    std::string note;
    if (!write_message(s.output, m, note)) return output_failed();
    if (!note.empty()) say(note);
    if (flush_posted) return;
    flush_posted = true;
    asio::post(io, [this] {
      flush_posted = false;
      if (std::fflush(stdout) != 0) output_failed();
    });
  }

  void output_failed() {
    if (finishing) return;
    if (errno == EPIPE) return end(exit_ok);
    say("cannot write to standard output");
    end(exit_failure);
  }

  void subscribe() {
    if (s.topics.empty()) return;
    std::vector<codec::subscription> subs;
    for (std::size_t i = 0; i < s.topics.size(); ++i) {
      auto options = s.options;
      if (i < s.topic_qos.size()) options.qos = s.topic_qos[i];
      subs.push_back({s.topics[i], options});
    }
    if (auto r = conn.subscribe(std::move(subs), s.subscribe_props); !r) {
      say("cannot subscribe: " + r.error().message());
      return end(exit_rejected);
    }
    // The connect timeout bounds the SUBACK too (also one with an id we never sent, which the
    // session ignores).
    const auto limit = s.conn.where.connect_timeout;
    suback_wait.expires_after(limit);
    suback_wait.async_wait([this, limit](std::error_code ec) {
      if (ec) return;
      say(fmt::format("no SUBACK from the broker within {} s of subscribing (--connect-timeout)",
                      std::chrono::duration_cast<std::chrono::seconds>(limit).count()));
      end(exit_timeout);
    });
  }

  void on_connected(const codec::connack& ack) {
    if (connected) {
      // Reconnected: a resumed session still has the subscriptions [MQTT-3.2.2-2].
      if (!ack.session_present) subscribe();
      return;
    }
    connected = true;
    if (!s.unsubscribe.empty())
      if (auto r = conn.unsubscribe(s.unsubscribe, s.conn.props.unsubscribe); !r) {
        say("cannot unsubscribe: " + r.error().message());
        return end(exit_rejected);
      }
    subscribe();
  }

  void on_subscribed(const codec::suback& ack) {
    suback_wait.cancel();
    for (std::size_t i = 0; i < ack.codes.size() && i < s.topics.size(); ++i)
      if (is_failure(ack.codes[i])) {
        say(fmt::format("subscription to {} refused: 0x{:02x} {}", s.topics[i],
                        static_cast<unsigned>(ack.codes[i]), name(ack.codes[i])));
        return end(exit_rejected);
      }
    if (s.exit_after_subscribe) end(exit_ok);
  }

  // With -C (manual_ack), a message is acknowledged once printed, or once it is known not to
  // be printed; one that arrives after the count was reached is left to the next run.
  void on_message(const codec::publish& m) {
    if (finishing) return;
    const auto ack = [&] { conn.session().acknowledge(m, session::clock::now()); };
    if ((!m.retain && m.payload.empty() && cleared.erase(m.topic) > 0) || !wanted(m)) return ack();
    if (s.retained_only && !m.retain) return end(exit_ok);
    print(m);
    if (s.conn.config.manual_ack && std::fflush(stdout) != 0) return output_failed();
    ack();
    if (s.remove_retained && m.retain && !m.payload.empty()) {
      cleared.insert(m.topic);
      if (auto r = conn.publish(codec::publish{m.topic, {}, 0, 0, true, false, {}}); !r)
        say("cannot clear " + m.topic + ": " + r.error().message());
    }
    if (s.count && ++printed >= *s.count) end(exit_ok);
  }

  void on_event(const session::client_event& e) {
    if (const auto* c = std::get_if<session::event::connected>(&e)) return on_connected(c->ack);
    if (const auto* d = std::get_if<session::event::subscribe_done>(&e))
      return on_subscribed(d->ack);
    if (std::holds_alternative<session::event::unsubscribe_done>(e)) {
      if (s.topics.empty()) end(exit_ok);
      return;
    }
    if (const auto* m = std::get_if<session::event::message>(&e)) return on_message(m->message);
    if (const auto* c = std::get_if<session::event::closed>(&e)) {
      if (!finishing) {
        std::string message;
        status = exit_status_for(*c, conn.transport_failure(), connected, s.conn.where,
                                 conn.session().version(), message);
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
    sub.conn.set_trace(
        [on = s.conn.colour_err](const std::string& line) { stderr_line(trace_line(on, line)); });
  const auto notice = [&s](const std::string& line) {
    if (!s.conn.quiet) stderr_line(diagnostic(s.conn.colour_err, "mqtk-sub", line));
  };
  sub.conn.set_reconnect({s.conn.reconnect}, notice);
  sub.conn.set_version_fallback(s.conn.version_auto);
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
  if (s.watch) sub.watch = std::make_unique<watch_view>(sub.io, [&sub] { sub.end(exit_ok); });
  sub.conn.start([&sub](const session::client_event& e) { sub.on_event(e); });
  sub.io.run();
  sub.end_watch();
  if (std::fflush(stdout) != 0 && errno != EPIPE && sub.status == exit_ok) {
    sub.say("cannot write to standard output");
    sub.status = exit_failure;
  }
  return sub.status;
}

} // namespace mqtk::app::sub
