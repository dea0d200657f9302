// SPDX-License-Identifier: MIT
// The load engine.
#include "bench/engine.hpp"
#include "bench/team.hpp"
#include "bench/timing.hpp"

#include <asio.hpp>
#include <fmt/format.h>
#include <optional>

#include "common/exit_codes.hpp"
#include "common/exit_status.hpp"
#include "common/stderr_line.hpp"
#include "mqtk/bench/schedule.hpp"
#include "mqtk/bench/sequence.hpp"
#include "mqtk/bench/stamp.hpp"

namespace mqtk::app::bench {
namespace {

std::string expand(const std::string& tmpl, unsigned index, const std::string& id,
                   std::uint64_t sequence, unsigned topics) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '%' || i + 1 == tmpl.size()) {
      out.push_back(tmpl[i]);
      continue;
    }
    const char c = tmpl[++i];
    if (c == 'i')
      out += std::to_string(index);
    else if (c == 'c')
      out += id;
    else if (c == 's')
      out += std::to_string(sequence);
    else if (c == 't') // messages spread over --topics names, in turn
      out += std::to_string(sequence % topics);
    else
      out += std::string("%") + c;
  }
  return out;
}

struct client_slot {
  std::unique_ptr<client::connection> conn;
  std::string id;
  bool up = false;
};

struct publisher : client_slot {
  std::optional<mqtk::bench::schedule> plan;
  std::string fixed_topic; // the template without %s, expanded once
};

struct subscriber : client_slot {
  std::vector<mqtk::bench::sequence_tracker> from; // per publisher
  bool subscribed = false;
};

class engine {
public:
  engine(const settings& settings_, results& out, const tick_fn& tick)
      : s(settings_), r(out), on_tick(tick) {}

  int run() {
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([this](std::error_code ec, int) {
      if (!ec) stop(exit_interrupted);
    });
    if (s.crew)
      s.crew->join({&io, [this] { start_publishers(); }, [this] { all_sent(); },
                    [this](int code) { stop(code); }});
    if (s.subscribers > 0)
      start_subscribers();
    else
      subscribers_ready();
    io.run();
    if (s.crew) s.crew->leave(&io);
    return status;
  }

private:
  const settings& s;
  results& r;
  tick_fn on_tick;
  asio::io_context io{1};
  asio::steady_timer pump_timer{io}, second_timer{io}, end_timer{io};
  std::vector<publisher> pubs;
  std::vector<subscriber> subs;
  unsigned subs_ready = 0, pubs_up = 0;
  std::uint64_t t0 = 0, record_from = 0, last_send = 0, last_receive = 0;
  bool sending = false, sending_over = false, pump_posted = false, finished = false;
  bool everyone_sent = false; // all threads' publishers have stopped (one thread: ours)
  int status = exit_ok;
  std::string payload;
  progress last{};
  std::uint64_t seconds = 0;

  session::client_config config_for(const std::string& id) const {
    auto c = s.conn.config;
    c.connect.client_id = id;
    return c;
  }

  // `ready`: the client took its part in the run (a subscriber has its SUBACK); one that is lost
  // before then leaves the run unable to start, so it ends the run as a failed connect does.
  void fail(const session::event::closed& c, client_slot& slot, bool ready = true) {
    if (finished) return;
    ++r.errors;
    std::string message;
    const int code = exit_status_for(c, slot.conn->transport_failure(), slot.up, s.conn.where,
                                     slot.conn->session().version(), message);
    if (!s.conn.quiet) stderr_text(fmt::format("mqtk-bench: {}: {}\n", slot.id, message));
    if (!slot.up || !ready) { // a client that cannot take part ends the run, on every thread
      if (s.crew) s.crew->fail(code);
      stop(code);
    }
  }

  // With --threads, publishers start when every thread's subscribers are ready.
  void subscribers_ready() {
    if (s.crew)
      s.crew->subscribers_ready();
    else
      start_publishers();
  }

  std::size_t total_publishers() const {
    return s.total_publishers != 0 ? s.total_publishers : s.publishers;
  }

  void start_subscribers() {
    subs.resize(s.subscribers);
    for (unsigned i = 0; i < s.subscribers; ++i) {
      auto& sub = subs[i];
      sub.id = fmt::format("{}-sub-{}", s.id_prefix, s.first_subscriber + i);
      sub.from.resize(std::max<std::size_t>(1, total_publishers()));
      sub.conn = std::make_unique<client::connection>(io, config_for(sub.id),
                                                      endpoint_for(s, s.first_subscriber + i));
      sub.conn->start([this, i](const session::client_event& e) { on_subscriber_event(i, e); });
    }
  }

  void on_subscriber_event(unsigned i, const session::client_event& e) {
    auto& sub = subs[i];
    if (std::holds_alternative<session::event::connected>(e)) {
      sub.up = true;
      (void)sub.conn->subscribe({{s.filter, {s.qos, false, false, 0}}}, {});
    } else if (const auto* d = std::get_if<session::event::subscribe_done>(&e)) {
      if (d->ack.codes.empty() || is_failure(d->ack.codes[0])) {
        if (!s.conn.quiet)
          stderr_text(fmt::format("mqtk-bench: the broker refused {}\n", s.filter));
        return stop(exit_rejected);
      }
      if (sub.subscribed) return; // a resubscription after a reconnect
      sub.subscribed = true;
      if (++subs_ready == subs.size()) subscribers_ready();
    } else if (const auto* m = std::get_if<session::event::message>(&e)) {
      on_message(sub, m->message);
    } else if (const auto* c = std::get_if<session::event::closed>(&e)) {
      fail(*c, sub, sub.subscribed);
    }
  }

  void on_message(subscriber& sub, const codec::publish& m) {
    const auto now = now_ns();
    const auto st = mqtk::bench::read_stamp(m.payload);
    // sub mode hears publishers it does not run (another mqtk-bench): it learns them as they come.
    if (st && s.publishers == 0 && st->publisher >= sub.from.size() && st->publisher < 65536)
      sub.from.resize(st->publisher + 1);
    if (!st || st->publisher >= sub.from.size()) {
      ++r.foreign;
      return;
    }
    // A compact stamp has no intended time: ours come from the publisher's schedule.
    const auto intended = st->intended_ns != 0 ? st->intended_ns : intended_of(*st);
    if (intended >= record_from && now >= st->sent_ns) {
      r.from_intended.record(now - std::min(now, intended));
      r.from_sent.record(now - st->sent_ns);
    }
    sub.from[st->publisher].receive(st->sequence);
    ++r.received;
    last_receive = now;
    if (sending_over) check_drained();
  }

  std::uint64_t intended_of(const mqtk::bench::stamp& st) const {
    const auto i = st.publisher - s.first_index;
    if (s.rate <= 0 || st.publisher < s.first_index || i >= pubs.size() || !pubs[i].plan)
      return st.sent_ns;
    return pubs[i].plan->intended(st.sequence);
  }

  void start_publishers() {
    if (s.publishers == 0) return begin();
    pubs.resize(s.publishers);
    for (unsigned i = 0; i < s.publishers; ++i) {
      auto& p = pubs[i];
      p.id = fmt::format("{}-pub-{}", s.id_prefix, s.first_index + i);
      if (s.topic.find("%s") == std::string::npos && s.topic.find("%t") == std::string::npos)
        p.fixed_topic = expand(s.topic, static_cast<unsigned>(s.first_index + i), p.id, 0, 1);
      p.conn = std::make_unique<client::connection>(
          io, config_for(p.id), endpoint_for(s, s.first_index + s.subscribers + i));
      p.conn->set_drained_handler([this] { schedule_pump(); });
      p.conn->start([this, i](const session::client_event& e) { on_publisher_event(i, e); });
    }
  }

  void on_publisher_event(unsigned i, const session::client_event& e) {
    auto& p = pubs[i];
    if (std::holds_alternative<session::event::connected>(e)) {
      p.up = true;
      if (++pubs_up == pubs.size()) begin();
    } else if (const auto* d = std::get_if<session::event::publish_done>(&e)) {
      if (is_failure(d->code))
        ++r.errors;
      else
        ++r.acknowledged;
      if (sending_over)
        check_drained();
      else
        schedule_pump();
    } else if (const auto* c = std::get_if<session::event::closed>(&e)) {
      fail(*c, p);
    }
  }

  void begin() {
    t0 = now_ns() + 1'000'000;
    record_from = t0 + static_cast<std::uint64_t>(s.warmup * 1e9);
    const auto interval = s.rate > 0 ? static_cast<std::uint64_t>(1e9 / s.rate) : 0;
    for (auto& p : pubs)
      p.plan.emplace(t0, interval, s.count);
    sending = !pubs.empty();
    arm_second();
    if (s.crew && pubs.empty()) return stop_sending(); // this thread only subscribes
    if (s.count == 0 || pubs.empty()) {
      end_timer.expires_after(seconds_of(s.duration));
      end_timer.async_wait([this](std::error_code ec) {
        if (!ec) stop_sending();
      });
    }
    schedule_pump();
  }

  void arm_second() {
    tick_every_second(second_timer, t0, seconds, [this] {
      if (!finished) report_second(false);
    });
  }

  void report_second(bool final) {
    progress p;
    p.elapsed = static_cast<double>(now_ns() - t0) / 1e9;
    p.sent = r.sent - last.sent;
    p.received = r.received - last.received;
    const auto sent = s.crew ? s.crew->sent_so_far.load(std::memory_order_relaxed) : r.sent;
    const auto expected = s.what == mode::pubsub ? sent * s.subscribers : 0;
    p.in_flight = expected > r.received ? expected - r.received : 0;
    p.errors = r.errors;
    p.p99_ns = r.from_intended.percentile(0.99);
    on_tick(p, final);
    r.series.push_back(p);
    last.sent = r.sent;
    last.received = r.received;
  }

  void schedule_pump() {
    if (pump_posted || !sending || sending_over) return;
    pump_posted = true;
    asio::post(io, [this] {
      pump_posted = false;
      pump();
    });
  }

  // Sends every message that is due, as far as each publisher's window and socket allow;
  // then sleeps until the next one is due or a window opens (publish_done, drained).
  void pump() {
    if (!sending || sending_over) return;
    const auto now = now_ns();
    std::optional<std::uint64_t> next;
    bool all_done = true;
    for (auto& p : pubs) {
      send_due(p, now);
      if (!p.plan->done()) all_done = false;
      if (const auto due = p.plan->next_due(); due && *due > now && (!next || *due < *next))
        next = due;
    }
    if (all_done) return stop_sending();
    if (!next) return; // blocked by a window or the socket: an event will call us again
    pump_timer.expires_at(at_ns(*next));
    pump_timer.async_wait([this](std::error_code ec) {
      if (!ec) pump();
    });
  }

  void send_due(publisher& p, std::uint64_t now) {
    auto& session = p.conn->session();
    const std::size_t window = s.conn.config.max_inflight != 0 ? s.conn.config.max_inflight
                                                               : session.limits().receive_maximum;
    for (int batch = 0; batch < 4096; ++batch) {
      if (p.conn->backlogged()) return;
      if (s.qos > 0 && session.unacknowledged() >= window) return;
      const auto due = p.plan->next_due();
      if (!due || *due > now) return;
      const auto seq = *p.plan->take(now);
      ++r.sent;
      if (s.crew) s.crew->sent_so_far.fetch_add(1, std::memory_order_relaxed);
      if (s.skip_sequence && seq == *s.skip_sequence) continue;
      const auto index =
          static_cast<std::uint32_t>(s.first_index + static_cast<std::size_t>(&p - pubs.data()));
      const auto sent_at = now_ns();
      // Without a rate there is no schedule to fall behind: the intended time is the send time.
      const auto intended = s.rate > 0 ? p.plan->intended(seq) : sent_at;
      mqtk::bench::write_stamp({index, seq, intended, sent_at}, s.size, payload);
      auto topic =
          p.fixed_topic.empty() ? expand(s.topic, index, p.id, seq, s.topics) : p.fixed_topic;
      if (auto res = p.conn->publish({std::move(topic), payload, 0, s.qos, s.retain, false, {}});
          !res)
        ++r.errors;
      last_send = sent_at;
    }
    schedule_pump(); // a full batch: yield to I/O, then go on
  }

  void stop_sending() {
    if (sending_over) return;
    sending_over = true;
    pump_timer.cancel();
    if (!s.crew) return all_sent();
    std::vector<std::pair<std::size_t, std::uint64_t>> taken;
    for (std::size_t i = 0; i < pubs.size(); ++i)
      taken.emplace_back(s.first_index + i, pubs[i].plan ? pubs[i].plan->taken() : 0);
    s.crew->sending_stopped(taken); // all_sent() follows once every thread is here
  }

  // Every publisher (on every thread) has stopped: wait for the last messages.
  void all_sent() {
    everyone_sent = true;
    end_timer.expires_after(seconds_of(s.drain));
    end_timer.async_wait([this](std::error_code ec) {
      if (!ec) finish();
    });
    check_drained();
  }

  // Done early when every subscriber has every message and every publish is acknowledged.
  void check_drained() {
    if (finished) return;
    for (auto& p : pubs)
      if (p.conn->session().unacknowledged() != 0) return;
    if (s.what == mode::sub || !everyone_sent) return; // sub mode: until the duration ends
    const auto sent = s.crew ? s.crew->total_taken() : r.sent;
    if (s.what == mode::pubsub && r.received < sent * s.subscribers) return;
    finish();
  }

  void tally() {
    r.ran = t0 != 0;
    for (auto& p : pubs)
      r.late += p.plan ? p.plan->late() : 0;
    for (auto& sub : subs)
      for (std::size_t i = 0; i < sub.from.size(); ++i) {
        // Loss needs what the publisher sent: known for ours (on any thread), not in sub mode.
        if (s.what == mode::pubsub)
          r.lost += sub.from[i].lost(s.crew                            ? s.crew->taken(i)
                                     : i < pubs.size() && pubs[i].plan ? pubs[i].plan->taken()
                                                                       : 0);
        r.duplicates += sub.from[i].duplicates();
        r.reordered += sub.from[i].reordered();
      }
    r.send_seconds = last_send > t0 ? static_cast<double>(last_send - t0) / 1e9 : 0;
    r.receive_seconds = last_receive > t0 ? static_cast<double>(last_receive - t0) / 1e9 : 0;
  }

  void finish() {
    if (finished) return;
    if (t0 != 0) report_second(true);
    finished = true;
    tally();
    stop(status);
  }

  void stop(int code) {
    finished = true;
    if (status == exit_ok) status = code;
    sending = false;
    pump_timer.cancel();
    second_timer.cancel();
    end_timer.cancel();
    for (auto& p : pubs)
      if (p.conn) p.conn->disconnect();
    for (auto& sub : subs)
      if (sub.conn) sub.conn->disconnect();
    // Give the DISCONNECTs a moment to go out, then end.
    end_timer.expires_after(std::chrono::milliseconds(100));
    end_timer.async_wait([this](std::error_code) { io.stop(); });
  }
};

} // namespace

int run_load(const settings& s, results& out, const tick_fn& tick) {
  engine e(s, out, tick);
  return e.run();
}

} // namespace mqtk::app::bench
