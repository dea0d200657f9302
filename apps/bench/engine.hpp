// SPDX-License-Identifier: MIT
// The load engine: subscribers first, then publishers on an open-loop schedule, stamped
// payloads measured on arrival. One io_context thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/options.hpp"
#include "mqtk/bench/histogram.hpp"

namespace mqtk::app::bench {

/// One second of the live line, and of the saved run's series.
struct progress {
  double elapsed = 0;
  std::uint64_t sent = 0, received = 0, in_flight = 0;
  std::uint64_t errors = 0;     ///< so far (the live line's count), not in this second
  std::uint64_t new_errors = 0; ///< in this second
  std::uint64_t duplicates = 0; ///< arrived in this second
  std::uint64_t p99_ns = 0;     ///< so far
  /// The latencies (from the intended send) recorded in this second: per-second percentiles,
  /// exact across merged instances.
  std::vector<mqtk::bench::histogram::bucket> latency;
};

/// One publisher of the run: what it sent and by when, so that a loss counted anywhere (on
/// another machine's subscriber) can be placed in the second the message was sent.
struct publisher_record {
  std::uint32_t index = 0; ///< the number in its stamps (global across instances)
  std::uint64_t taken = 0; ///< messages it took from its schedule (sent, or skipped on purpose)
  std::vector<std::uint64_t> taken_by_second; ///< cumulative, at the end of each second
  std::int64_t second_offset = 0; ///< in a merged run: its instance's first second there
};

/// What this run's subscribers heard from one publisher, summed over them.
struct heard_record {
  std::uint32_t publisher = 0;
  std::uint64_t subscribers = 0; ///< how many heard it at all
  std::uint64_t distinct = 0;    ///< distinct sequence numbers, summed over those subscribers
  std::vector<std::pair<std::uint64_t, std::uint64_t>> gaps; ///< missing [first, end) ranges
  std::map<std::uint64_t, std::uint64_t> highest;            ///< highest number seen -> subscribers
  /// Missing below a highest number but beyond the gaps kept (more than gap_limit ranges):
  /// counted as lost, not placed in a second.
  std::uint64_t unplaced = 0;
};

/// In a merged run, one instance's own lines.
struct instance_series {
  std::string name;
  std::int64_t second_offset = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> sent_received; ///< per second
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
  std::uint64_t start_wall_ns = 0;      ///< wall-clock time of the first intended send
  std::uint64_t subscribers = 0;        ///< subscribers that took part (loss is counted for each)
  std::vector<publisher_record> publishers;
  std::vector<heard_record> heard;
  std::vector<std::uint64_t> lost_series; ///< losses by the second they were sent (account())
  std::uint64_t lost_unplaced = 0;        ///< losses account() could not place in a second
  std::vector<instance_series> instances; ///< merged runs only
};

/// Computes `lost` and `lost_series` from the publisher and heard records: every subscriber
/// should hear every publisher's every message. Publishers without a record (another tool's,
/// or another instance's before a merge) are not counted.
void account(results& r);
/// Adds another thread's or instance's counts, histograms and records into `into`; lost is
/// recounted by account() afterwards (bench/merge.cpp).
void add_counts(results& into, const results& r);
/// Adds one second of another thread's or instance's into `into` (bench/merge.cpp).
void add_progress(progress& into, const progress& more);
/// Adds one heard record into a list kept sorted by publisher.
void add_heard(std::vector<heard_record>& into, heard_record h);

/// Called once a second with that second's progress, and once at the end with `final` set.
using tick_fn = std::function<void(const progress&, bool final)>;

/// When the run's first message is due, in steady-clock ns: --start-at, or 1 ms from `now`
/// (a --start-at already past starts then too). `say`: tell stderr about the wait or the delay
/// (one thread of several says it).
std::uint64_t start_time(const settings& s, std::uint64_t now, bool say);

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
