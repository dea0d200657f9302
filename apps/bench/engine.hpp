// SPDX-License-Identifier: MIT
// The load engine: subscribers first, then publishers on an open-loop schedule, stamped
// payloads measured on arrival. One io_context thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/options.hpp"
#include "mqtk/bench/histogram.hpp"

namespace mqtk::app::bench {

/// One second of the live line.
struct progress {
  double elapsed = 0;
  std::uint64_t sent = 0, received = 0, in_flight = 0, errors = 0;
  std::uint64_t p99_ns = 0;
};

/// What a run measured; rates are over one global window, never sums of per-client rates.
struct results {
  bool ran = false; ///< the load started (every client connected)
  std::uint64_t sent = 0, received = 0, lost = 0, duplicates = 0, reordered = 0, late = 0;
  std::uint64_t errors = 0, foreign = 0;
  std::uint64_t acknowledged = 0;       ///< QoS 1/2 publishes the broker acknowledged
  double send_seconds = 0;              ///< first intended send to the last send
  double receive_seconds = 0;           ///< first intended send to the last arrival
  mqtk::bench::histogram from_intended; ///< latency from the intended send time (ns)
  mqtk::bench::histogram from_sent;     ///< latency from the actual send time (ns)
  std::vector<progress> series;         ///< one entry per second (the live lines)
};

/// Called once a second with that second's progress, and once at the end with `final` set.
using tick_fn = std::function<void(const progress&, bool final)>;

/// Runs the load on this thread; calls `tick` once a second. Returns the exit status; fills
/// `out`.
int run_load(const settings& s, results& out, const tick_fn& tick);
/// The conn mode: `sent` counts connection attempts, `received` CONNACKs, the histograms hold
/// CONNACK latency.
int run_connections(const settings& s, results& out, const tick_fn& tick);
/// --threads: the clients split over threads, each running its share with run_load or
/// run_connections on its own io_context; counts and histograms merge into `out`.
int run_threads(const settings& s, results& out, const tick_fn& tick);

} // namespace mqtk::app::bench
