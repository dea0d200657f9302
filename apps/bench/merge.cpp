// SPDX-License-Identifier: MIT
// Merging instance runs into one: counts summed, histograms merged bucket by bucket (exact
// percentiles, never averages of percentiles), seconds aligned on the wall clock, and loss
// counted across instances from the publishers' and subscribers' records.
#include "bench/merge.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fmt/format.h>
#include <set>

namespace mqtk::app::bench {
namespace {

// "a, b" of the distinct values, in first-seen order.
std::string distinct_list(const std::vector<saved_run>& runs, std::string run_info::*field) {
  std::vector<std::string> seen;
  for (const auto& run : runs)
    if (std::find(seen.begin(), seen.end(), run.info.*field) == seen.end())
      seen.push_back(run.info.*field);
  return fmt::format("{}", fmt::join(seen, ", "));
}

bool compatible(const std::vector<saved_run>& runs, std::string& why) {
  const auto& first = runs.front();
  unsigned n = 0; // N of the first instance run (--instance I/N)
  for (const auto& run : runs)
    if (run.info.instance > 0 && n == 0) n = run.info.instances;
  std::set<unsigned> instances;
  std::set<std::uint32_t> publishers;
  for (const auto& run : runs) {
    const auto& i = run.info;
    if (i.connections() != first.info.connections())
      return why = run.path + ": a conn run and a message run do not merge", false;
    if (!i.connections() && (i.qos != first.info.qos || i.size != first.info.size))
      return why =
                 fmt::format("{}: QoS {}, {} B payloads; {} has QoS {}, {} B: one run has one "
                             "load",
                             run.path, i.qos, i.size, first.path, first.info.qos, first.info.size),
             false;
    // Instance 0 is a merged run: its parts were checked when it was merged.
    if (i.instance > 0 && i.instances != n)
      return why = fmt::format("{}: instance {}/{}, but another file is of {} instances", run.path,
                               i.instance, i.instances, n),
             false;
    if (i.instance > 0 && i.instances > 1 && !instances.insert(i.instance).second)
      return why = fmt::format("{}: instance {}/{} is given twice", run.path, i.instance,
                               i.instances),
             false;
    for (const auto& p : run.r.publishers)
      if (!publishers.insert(p.index).second)
        return why = fmt::format("{}: publisher {} is in another file too: run the instances "
                                 "with --instance I/N so their numbers differ",
                                 run.path, p.index),
               false;
  }
  // A missing instance is worth a warning, not a refusal: its machine may have failed, and the
  // rest is still a measurement.
  // (Unknown when a merged run is among the files: its parts are not numbered here.)
  const bool all_instances = std::none_of(runs.begin(), runs.end(),
                                          [](const saved_run& r) { return r.info.instance == 0; });
  for (unsigned k = 1; all_instances && n > 1 && k <= n; ++k)
    if (!instances.count(k))
      std::fprintf(stderr, "mqtk-bench merge: warning: instance %u/%u is not among the files\n", k,
                   n);
  return true;
}

run_info merged_info(const std::vector<saved_run>& runs) {
  run_info m = runs.front().info;
  m.target = distinct_list(runs, &run_info::target);
  m.mode = distinct_list(runs, &run_info::mode);
  std::replace(m.mode.begin(), m.mode.end(), ',', '+');
  m.mode.erase(std::remove(m.mode.begin(), m.mode.end(), ' '), m.mode.end());
  m.host = distinct_list(runs, &run_info::host);
  m.kernel = distinct_list(runs, &run_info::kernel);
  m.publishers = m.subscribers = m.clients = 0;
  m.rate = 0;
  m.cores = 0;
  m.parts.clear();
  for (const auto& run : runs) {
    const auto& i = run.info;
    m.publishers += i.publishers;
    m.subscribers += i.subscribers;
    m.clients += i.clients;
    m.duration = std::max(m.duration, i.duration);
    if (i.publishers > 0 && m.rate == 0) m.rate = i.rate; // the publishers' schedule
    if (i.instance == 0)                                  // a merged run: its parts
      m.parts.insert(m.parts.end(), i.parts.begin(), i.parts.end());
    else
      m.parts.push_back(fmt::format("{}: instance {}/{}, {} on {} ({} cores)", run.path, i.instance,
                                    i.instances, i.mode, i.host, i.cores));
  }
  std::set<std::string> hosts; // several instances on one machine share its cores
  for (const auto& run : runs)
    if (hosts.insert(run.info.host).second) m.cores += run.info.cores;
  m.instance = 0; // merged
  m.instances = static_cast<unsigned>(std::min<std::size_t>(m.parts.size(), 65536));
  return m;
}

// One instance's results into the merged ones, starting `shift` seconds after the earliest
// (its per-second series from whole second `offset`).
void add_run(results& m, const saved_run& run, double shift) {
  const auto offset = std::llround(shift);
  const auto& r = run.r;
  const auto first_publisher = m.publishers.size();
  add_counts(m, r);
  m.send_seconds = std::max(m.send_seconds, r.send_seconds > 0 ? shift + r.send_seconds : 0);
  m.receive_seconds =
      std::max(m.receive_seconds, r.receive_seconds > 0 ? shift + r.receive_seconds : 0);
  instance_series mine{
      fmt::format("{} ({}/{})", run.info.host, run.info.instance, run.info.instances), offset, {}};
  for (std::size_t k = 0; k < r.series.size(); ++k) {
    const auto at = static_cast<std::size_t>(offset) + k;
    if (m.series.size() <= at) m.series.resize(at + 1);
    add_progress(m.series[at], r.series[k]);
    mine.sent_received.emplace_back(r.series[k].sent, r.series[k].received);
  }
  if (r.instances.empty()) m.instances.push_back(std::move(mine));
  for (auto i : r.instances) { // a merged run brings its instances' own lines
    i.second_offset += offset;
    m.instances.push_back(std::move(i));
  }
  for (auto p = m.publishers.begin() + static_cast<std::ptrdiff_t>(first_publisher);
       p != m.publishers.end(); ++p)
    p->second_offset += offset;
}

} // namespace

void add_counts(results& into, const results& r) {
  into.ran = into.ran || r.ran;
  for (const auto field :
       {&results::sent, &results::received, &results::acknowledged, &results::lost,
        &results::duplicates, &results::reordered, &results::late, &results::errors,
        &results::foreign, &results::subscribers})
    into.*field += r.*field;
  into.from_intended.merge(r.from_intended);
  into.from_sent.merge(r.from_sent);
  into.publishers.insert(into.publishers.end(), r.publishers.begin(), r.publishers.end());
  for (const auto& h : r.heard)
    add_heard(into.heard, h);
}

void add_progress(progress& into, const progress& p) {
  into.elapsed = std::max(into.elapsed, p.elapsed);
  into.sent += p.sent;
  into.received += p.received;
  into.in_flight += p.in_flight;
  into.errors += p.errors;
  into.duplicates += p.duplicates;
  into.new_errors += p.new_errors;
  into.p99_ns = std::max(into.p99_ns, p.p99_ns); // the worst part's: an upper bound
  into.latency = mqtk::bench::merge_buckets(into.latency, p.latency);
}

std::optional<saved_run> merge_runs(const std::vector<saved_run>& runs, std::string& why) {
  if (runs.empty()) return why = "nothing to merge", std::nullopt;
  if (!compatible(runs, why)) return std::nullopt;
  std::uint64_t base = 0;
  for (const auto& run : runs)
    if (run.r.start_wall_ns != 0 && (base == 0 || run.r.start_wall_ns < base))
      base = run.r.start_wall_ns;
  saved_run out;
  out.info = merged_info(runs);
  out.r.ran = true;
  out.r.start_wall_ns = base;
  for (const auto& run : runs)
    if (run.r.start_wall_ns > base + std::uint64_t{86400} * 1'000'000'000) {
      why = run.path + ": started more than a day after another file's run: not one run";
      return std::nullopt;
    }
  for (const auto& run : runs) {
    // Seconds from the earliest start: --start-at makes these 0 for every instance.
    add_run(out.r, run,
            run.r.start_wall_ns > base ? static_cast<double>(run.r.start_wall_ns - base) / 1e9
                                       : 0.0);
  }
  for (std::size_t k = 0; k < out.r.series.size(); ++k)
    out.r.series[k].elapsed = static_cast<double>(k + 1); // seconds from the earliest start
  account(out.r);
  return out;
}

} // namespace mqtk::app::bench
