// SPDX-License-Identifier: MIT
// The conn mode: open clients at a connect rate and hold them (or churn: connect, CONNACK,
// disconnect, again), measuring CONNACK latency from the intended connect time.
#include <asio.hpp>
#include <fmt/format.h>

#include "bench/engine.hpp"
#include "bench/timing.hpp"
#include "common/exit_codes.hpp"
#include "common/exit_status.hpp"
#include "common/stderr_line.hpp"
#include "mqtk/bench/schedule.hpp"

namespace mqtk::app::bench {
namespace {

struct slot {
  std::unique_ptr<client::connection> conn;
  std::uint64_t intended = 0, started = 0;
  bool up = false;
};

class connector {
public:
  connector(const settings& settings_, results& out, const tick_fn& each_second)
      : s(settings_), r(out), on_tick(each_second) {}

  int run() {
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([this](std::error_code ec, int) {
      if (!ec) stop(exit_interrupted);
    });
    t0 = start_time(s, now_ns(), s.first_index == 0);
    r.start_wall_ns = wall_of(t0);
    const auto interval = s.connect_rate > 0 ? static_cast<std::uint64_t>(1e9 / s.connect_rate) : 0;
    plan.emplace(t0, interval, s.churn ? 0 : s.clients);
    if (s.churn) arm_end();
    arm_second();
    pump();
    io.run();
    return status;
  }

private:
  const settings& s;
  results& r;
  tick_fn on_tick;
  asio::io_context io{1};
  asio::steady_timer pump_timer{io}, second_timer{io}, end_timer{io};
  std::optional<mqtk::bench::schedule> plan;
  std::vector<slot> slots;
  std::uint64_t t0 = 0, open = 0, seconds = 0, last_attempts = 0, last_up = 0, last_up_ns = 0;
  bool finished = false, holding = false;
  int status = exit_ok;
  std::uint64_t last_errors = 0;
  mqtk::bench::histogram this_second; // CONNACK latencies of the current second

  // Churning lasts --duration from the start; held connections stay open that long once up.
  void arm_end() {
    if (s.churn)
      end_timer.expires_at(at_ns(t0) + seconds_of(s.duration));
    else
      end_timer.expires_after(seconds_of(s.duration));
    end_timer.async_wait([this](std::error_code ec) {
      if (!ec) finish();
    });
  }

  void arm_second() {
    tick_every_second(second_timer, t0, seconds, [this] {
      if (!finished) tick(false);
    });
  }

  void tick(bool final) {
    progress p;
    p.elapsed = static_cast<double>(now_ns() - t0) / 1e9;
    p.sent = r.sent - last_attempts;
    p.received = r.received - last_up;
    p.in_flight = open;
    p.errors = r.errors;
    p.p99_ns = r.from_intended.percentile(0.99);
    p.latency = this_second.buckets();
    p.new_errors = r.errors - last_errors;
    last_errors = r.errors;
    this_second.reset();
    on_tick(p, final);
    r.series.push_back(p);
    last_attempts = r.sent;
    last_up = r.received;
  }

  // Connects every client that is due, keeping at most --clients open at once.
  void pump() {
    if (finished) return;
    const auto now = now_ns();
    while (open < s.clients) {
      const auto due = plan->next_due();
      if (!due || *due > now) break;
      const auto i = *plan->take(now);
      // Without a connect rate there is no schedule to fall behind.
      start(i, s.connect_rate > 0 ? plan->intended(i) : now);
    }
    if (plan->done() && !s.churn) return; // all opened: hold them (see on_connected)
    const auto due = plan->next_due();
    if (!due || open >= s.clients) return; // a closing client calls pump() again
    pump_timer.expires_at(at_ns(*due));
    pump_timer.async_wait([this](std::error_code ec) {
      if (!ec) pump();
    });
  }

  void start(std::uint64_t i, std::uint64_t intended) {
    auto config = s.conn.config;
    // --instance I/N: numbers k * N + I - 1, never another instance's.
    config.connect.client_id =
        fmt::format("{}-conn-{}", s.id_prefix, i * s.instances + s.instance - 1);
    slots.push_back(
        {std::make_unique<client::connection>(io, config, endpoint_for(s, s.first_index + i)),
         intended, now_ns(), false});
    const auto index = slots.size() - 1;
    ++open;
    ++r.sent;
    slots[index].conn->start([this, index](const session::client_event& e) { on_event(index, e); });
  }

  void on_event(std::size_t index, const session::client_event& e) {
    auto& c = slots[index];
    if (std::holds_alternative<session::event::connected>(e)) {
      const auto now = now_ns();
      c.up = true;
      ++r.received;
      last_up_ns = now;
      r.from_intended.record(now - std::min(now, c.intended));
      this_second.record(now - std::min(now, c.intended));
      r.from_sent.record(now - c.started);
      if (s.churn) return c.conn->disconnect();
      if (r.received == s.clients) hold();
      return;
    }
    if (const auto* closed = std::get_if<session::event::closed>(&e)) {
      --open;
      if (!c.up && !finished) {
        ++r.errors;
        std::string message;
        exit_status_for(*closed, c.conn->transport_failure(), false, s.conn.where,
                        c.conn->session().version(), message);
        if (!s.conn.quiet && r.errors <= 5) stderr_text(fmt::format("mqtk-bench: {}\n", message));
      }
      // The connection object is done; free it outside its own handler.
      asio::post(io, [this, index] { slots[index].conn.reset(); });
      if (s.churn)
        pump();
      else if (!c.up && !finished && r.received + r.errors == s.clients)
        hold();
    }
  }

  void hold() {
    if (holding) return;
    holding = true;
    arm_end(); // --duration: how long all connections stay open
  }

  void finish() {
    if (finished) return;
    tick(true);
    r.ran = true;
    r.send_seconds = static_cast<double>(last_up_ns > t0 ? last_up_ns - t0 : 0) / 1e9;
    r.receive_seconds = r.send_seconds;
    stop(r.received == 0 ? exit_unreachable : exit_ok);
  }

  void stop(int code) {
    finished = true;
    if (status == exit_ok) status = code;
    pump_timer.cancel();
    second_timer.cancel();
    for (auto& c : slots)
      if (c.conn) c.conn->disconnect();
    end_timer.expires_after(std::chrono::milliseconds(200));
    end_timer.async_wait([this](std::error_code) { io.stop(); });
  }
};

} // namespace

int run_connections(const settings& s, results& out, const tick_fn& tick) {
  connector c(s, out, tick);
  return c.run();
}

} // namespace mqtk::app::bench
