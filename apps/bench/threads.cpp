// SPDX-License-Identifier: MIT
// --threads: each thread runs a share of the clients on its own io_context; the per-second lines
// and the final results are merged, so rates stay over one global window.
#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <thread>

#include "bench/engine.hpp"
#include "bench/team.hpp"

namespace mqtk::app::bench {
namespace {

// Thread k's share of `total` clients: sizes differ by at most one; offsets are contiguous.
unsigned share(unsigned total, unsigned k, unsigned n) {
  return total / n + (k < total % n ? 1 : 0);
}
std::size_t offset(unsigned total, unsigned k, unsigned n) {
  return std::size_t{k} * (total / n) + std::min(k, total % n);
}

settings share_of(const settings& s, unsigned k, unsigned n, const std::shared_ptr<team>& crew) {
  auto t = s;
  t.threads = 1;
  // A prefix per thread: conn --churn numbers its clients without end, so plain offsets would
  // collide (and take each other's sessions over).
  t.id_prefix = fmt::format("{}-t{}", s.id_prefix, k);
  t.connect_rate = s.connect_rate / n;
  if (s.what == mode::conn) {
    t.clients = share(s.clients, k, n);
    t.first_index = offset(s.clients, k, n);
  }
  t.publishers = share(s.publishers, k, n);
  t.first_index = s.what == mode::conn ? t.first_index : offset(s.publishers, k, n);
  t.subscribers = share(s.subscribers, k, n);
  t.first_subscriber = offset(s.subscribers, k, n);
  t.total_publishers = s.publishers;
  t.crew = crew;
  return t;
}

// Adds up each second's lines from every thread and passes the sum on once all have reported.
class tick_merger {
public:
  tick_merger(unsigned threads, const tick_fn& out) : n_(threads), out_(out) {}

  tick_fn for_thread() {
    return [this, second = std::uint64_t{0}](const progress& p, bool final) mutable {
      add(final ? UINT64_MAX : second++, p, final);
    };
  }

private:
  void add(std::uint64_t second, const progress& p, bool final) {
    std::lock_guard lock(m_);
    auto& [count, sum] = pending_[second];
    sum.elapsed = std::max(sum.elapsed, p.elapsed);
    sum.sent += p.sent;
    sum.received += p.received;
    sum.in_flight += p.in_flight;
    sum.errors += p.errors;
    sum.p99_ns = std::max(sum.p99_ns, p.p99_ns); // the worst thread's: an upper bound
    if (++count < n_) return;
    out_(sum, final);
    pending_.erase(second);
  }

  unsigned n_;
  const tick_fn& out_;
  std::mutex m_;
  std::map<std::uint64_t, std::pair<unsigned, progress>> pending_;
};

void merge(results& into, const results& r) {
  add_counts(into, r);
  into.send_seconds = std::max(into.send_seconds, r.send_seconds);
  into.receive_seconds = std::max(into.receive_seconds, r.receive_seconds);
  for (std::size_t i = 0; i < r.series.size(); ++i) {
    if (i == into.series.size()) into.series.push_back({});
    add_progress(into.series[i], r.series[i]);
  }
  if (r.start_wall_ns != 0 && (into.start_wall_ns == 0 || r.start_wall_ns < into.start_wall_ns))
    into.start_wall_ns = r.start_wall_ns;
}

} // namespace

int run_threads(const settings& s, results& out, const tick_fn& tick) {
  const auto body = s.what == mode::conn ? run_connections : run_load;
  const unsigned clients = s.what == mode::conn ? s.clients : std::max(s.publishers, s.subscribers);
  const unsigned n = std::min(s.threads, std::max(clients, 1u));
  if (n <= 1) {
    const int status = body(s, out, tick);
    if (s.what != mode::conn) account(out);
    return status;
  }
  // pubsub threads must agree on when to start and stop, and count loss against every
  // publisher; the other modes' threads are independent.
  const auto crew = s.what == mode::pubsub ? std::make_shared<team>(n) : nullptr;
  tick_merger merger(n, tick);
  std::vector<results> parts(n);
  std::vector<int> status(n, 0);
  std::vector<std::thread> threads;
  for (unsigned k = 0; k < n; ++k)
    threads.emplace_back([&, k, part = share_of(s, k, n, crew)] {
      status[k] = body(part, parts[k], merger.for_thread());
    });
  for (auto& t : threads)
    t.join();
  for (const auto& part : parts)
    merge(out, part);
  if (s.what != mode::conn) account(out);
  const auto failed = std::find_if(status.begin(), status.end(), [](int c) { return c != 0; });
  return failed == status.end() ? 0 : *failed;
}

} // namespace mqtk::app::bench
