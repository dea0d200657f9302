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

// Missing-number ranges kept per publisher and subscriber for placing losses in time.
constexpr std::size_t gap_limit = 4096;

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
      s.crew->join({&io, [this] { start_publishers(); }, [this] { begin(s.crew->t0()); },
                    [this] { all_sent(); }, [this](int code) { stop(code); }});
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
  std::uint64_t seconds = 0, duplicates_seen = 0;
  mqtk::bench::histogram this_second; // from-intended latencies of the current second
  std::vector<std::vector<std::uint64_t>> taken_by_second; // per publisher, cumulative

  // With --instance I/N, client k of this instance is number k * N + I - 1 of the whole run:
  // ids, %i and stamps never collide across instances, whatever each one's client counts.
  std::uint32_t number_of(std::size_t local) const {
    return static_cast<std::uint32_t>(local * s.instances + s.instance - 1);
  }

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
      sub.id = fmt::format("{}-sub-{}", s.id_prefix, number_of(s.first_subscriber + i));
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
    const auto steady_now = now_ns();
    const auto now = wall_of(steady_now); // stamps carry wall-clock times
    const auto st = mqtk::bench::read_stamp(m.payload);
    // sub mode and instances hear publishers they do not run (another mqtk-bench, another
    // instance): they learn them as they come.
    if (st && (s.publishers == 0 || s.instances > 1) && st->publisher >= sub.from.size() &&
        st->publisher < most_publishers)
      sub.from.resize(st->publisher + 1);
    // Stamped before this run began (a retained message, a queue from an earlier run): not
    // ours to count, or it would hide a loss of this run behind an old sequence number. A
    // second's grace covers other instances' clocks.
    const bool stale = st && (t0 == 0 || st->sent_ns + 1'000'000'000 < wall_of(t0));
    if (!st || st->publisher >= sub.from.size() || stale) {
      ++r.foreign;
      return;
    }
    // A compact stamp has no intended time: ours come from the publisher's schedule.
    const auto intended = st->intended_ns != 0 ? st->intended_ns : intended_of(*st);
    if (intended >= wall_of(record_from) && now >= st->sent_ns) {
      r.from_intended.record(now - std::min(now, intended));
      this_second.record(now - std::min(now, intended));
      r.from_sent.record(now - st->sent_ns);
    }
    auto& tracker = sub.from[st->publisher];
    const auto duplicates = tracker.duplicates();
    tracker.receive(st->sequence);
    duplicates_seen += tracker.duplicates() - duplicates;
    ++r.received;
    last_receive = steady_now;
    if (sending_over) check_drained();
  }

  // Compact stamps: the intended time of one of our own publishers' messages, from its plan.
  std::uint64_t intended_of(const mqtk::bench::stamp& st) const {
    if (s.rate <= 0 || st.publisher % s.instances != s.instance - 1) return st.sent_ns;
    const auto local = st.publisher / s.instances;
    const auto i = local - s.first_index;
    if (local < s.first_index || i >= pubs.size() || !pubs[i].plan) return st.sent_ns;
    return wall_of(pubs[i].plan->intended(st.sequence));
  }

  void start_publishers() {
    if (s.publishers == 0) return publishers_up();
    pubs.resize(s.publishers);
    for (unsigned i = 0; i < s.publishers; ++i) {
      auto& p = pubs[i];
      p.id = fmt::format("{}-pub-{}", s.id_prefix, number_of(s.first_index + i));
      if (s.topic.find("%s") == std::string::npos && s.topic.find("%t") == std::string::npos)
        p.fixed_topic = expand(s.topic, number_of(s.first_index + i), p.id, 0, 1);
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
      if (++pubs_up == pubs.size()) publishers_up();
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

  // With --threads, one start time for every thread (team), so their seconds line up.
  void publishers_up() {
    if (!s.crew) // of independent threads (pub or sub mode), the first says it
      return begin(start_time(s, now_ns(), s.first_index == 0 && s.first_subscriber == 0));
    s.crew->publishers_up([this] { return start_time(s, now_ns(), true); });
  }

  void begin(std::uint64_t start) {
    t0 = start;
    record_from = t0 + static_cast<std::uint64_t>(s.warmup * 1e9);
    const auto interval = s.rate > 0 ? static_cast<std::uint64_t>(1e9 / s.rate) : 0;
    for (auto& p : pubs)
      p.plan.emplace(t0, interval, s.count);
    sending = !pubs.empty();
    arm_second();
    if (s.crew && pubs.empty()) return stop_sending(); // this thread only subscribes
    taken_by_second.resize(pubs.size());
    if (s.count == 0 || pubs.empty()) {
      end_timer.expires_at(at_ns(t0) + seconds_of(s.duration));
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
    p.duplicates = duplicates_seen - last.duplicates;
    p.new_errors = r.errors - last.errors;
    p.latency = this_second.buckets();
    this_second.reset();
    for (std::size_t i = 0; i < pubs.size() && i < taken_by_second.size(); ++i)
      taken_by_second[i].push_back(pubs[i].plan ? pubs[i].plan->taken() : 0);
    on_tick(p, final);
    r.series.push_back(p);
    last.sent = r.sent;
    last.received = r.received;
    last.duplicates = duplicates_seen;
    last.errors = r.errors;
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
      const auto index = number_of(s.first_index + static_cast<std::size_t>(&p - pubs.data()));
      const auto sent_at = now_ns();
      // Without a rate there is no schedule to fall behind: the intended time is the send time.
      const auto intended = s.rate > 0 ? p.plan->intended(seq) : sent_at;
      mqtk::bench::write_stamp({index, seq, wall_of(intended), wall_of(sent_at)}, s.size, payload);
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
    std::uint64_t taken = 0;
    for (const auto& p : pubs)
      taken += p.plan ? p.plan->taken() : 0;
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
    // sub mode, and subscribers hearing other instances: until the drain time ends.
    if (s.what == mode::sub || !everyone_sent || s.instances > 1) return;
    const auto sent = s.crew ? s.crew->total_taken() : r.sent;
    if (s.what == mode::pubsub && r.received < sent * s.subscribers) return;
    finish();
  }

  // Loss is not counted here: account() does, from these records, once every thread's (or
  // every instance's) are together.
  void tally() {
    r.ran = t0 != 0;
    r.start_wall_ns = t0 != 0 ? wall_of(t0) : 0;
    r.subscribers = subs.size();
    for (std::size_t i = 0; i < pubs.size(); ++i) {
      const auto& p = pubs[i];
      r.late += p.plan ? p.plan->late() : 0;
      r.publishers.push_back(
          {number_of(s.first_index + i), p.plan ? p.plan->taken() : 0,
           i < taken_by_second.size() ? taken_by_second[i] : std::vector<std::uint64_t>{}, 0});
    }
    for (auto& sub : subs)
      for (std::size_t i = 0; i < sub.from.size(); ++i) {
        const auto& t = sub.from[i];
        r.duplicates += t.duplicates();
        r.reordered += t.reordered();
        if (const auto top = t.highest()) {
          auto gaps = t.gaps(gap_limit);
          // Missing below the highest but past the gaps kept: counted, not placed in time.
          auto unplaced = *top + 1 - t.received();
          for (const auto& [first, end] : gaps)
            unplaced -= end - first;
          add_heard(r.heard, {static_cast<std::uint32_t>(i),
                              1,
                              t.received(),
                              std::move(gaps),
                              {{*top, 1}},
                              unplaced});
        }
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

std::uint64_t start_time(const settings& s, std::uint64_t now, bool say) {
  const auto soon = now + 1'000'000;
  if (!s.start_at_wall_ns) return soon;
  const auto wall_now = wall_of(now);
  if (*s.start_at_wall_ns >= wall_of(soon)) {
    if (!s.conn.quiet && say)
      stderr_text(fmt::format("mqtk-bench: clients ready; the load starts at --start-at, in "
                              "{:.1f} s\n",
                              static_cast<double>(*s.start_at_wall_ns - wall_now) / 1e9));
    return *s.start_at_wall_ns - wall_offset_ns();
  }
  if (*s.start_at_wall_ns > wall_now) return soon; // due within the millisecond: on time
  if (!s.conn.quiet && say)
    stderr_text(fmt::format("mqtk-bench: starting {:.3f} s after --start-at (clients were not "
                            "ready in time): this instance's schedule is behind the others'\n",
                            static_cast<double>(wall_now - *s.start_at_wall_ns) / 1e9));
  return soon;
}

int run_load(const settings& s, results& out, const tick_fn& tick) {
  engine e(s, out, tick);
  return e.run();
}

} // namespace mqtk::app::bench
