// SPDX-License-Identifier: MIT
// Rendering what a run measured.
#include "bench/report.hpp"
#include "common/stderr_line.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace mqtk::app::bench {
namespace {

constexpr std::pair<const char*, double> quantiles[] = {
    {"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p99_9", 0.999}, {"p99_99", 0.9999}};

double us(std::uint64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}

double rate(std::uint64_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0;
}

const char* mode_name(mode m) {
  return m == mode::pub ? "pub" : m == mode::sub ? "sub" : m == mode::conn ? "conn" : "pubsub";
}

std::string latency_row(const char* name, const mqtk::bench::histogram& h) {
  std::string row = fmt::format("{:<22}", name);
  for (const auto& [label, q] : quantiles)
    row += fmt::format(" {:>10.1f}", us(h.percentile(q)));
  return row + fmt::format(" {:>10.1f} {:>10.1f}\n", us(h.max()), h.mean() / 1000.0);
}

nlohmann::ordered_json latency_json(const mqtk::bench::histogram& h) {
  nlohmann::ordered_json j;
  j["count"] = h.count();
  for (const auto& [label, q] : quantiles)
    j[label] = us(h.percentile(q));
  j["max"] = us(h.max());
  j["mean"] = h.mean() / 1000.0;
  return j;
}

std::string connection_table(const settings& s, const results& r) {
  std::string out = fmt::format("mqtk-bench conn: {} clients{}, connect rate {}\n", s.clients,
                                s.churn ? " at once, churning" : " held open",
                                s.connect_rate > 0 ? fmt::format("{:g}/s", s.connect_rate)
                                                   : std::string("as fast as possible"));
  out += fmt::format("attempted  {:>12}\nconnected  {:>12}  {:>12.0f} conn/s over {:.3f} s\n",
                     r.sent, r.received, rate(r.received, r.receive_seconds), r.receive_seconds);
  out += fmt::format("errors {}\n", r.errors);
  out += fmt::format("{:<22} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n",
                     "CONNACK latency (µs)", "p50", "p90", "p99", "p99.9", "p99.99", "max", "mean");
  out += latency_row("from intended connect", r.from_intended);
  out += latency_row("from actual connect", r.from_sent);
  return out;
}

} // namespace

void print_progress(const progress& p, bool final) {
  static const bool terminal = ::isatty(STDERR_FILENO) == 1;
  const auto line = fmt::format("{:7.1f} s  sent {:>9}/s  received {:>9}/s  in flight {:>8}  "
                                "p99 {:>9.1f} µs  errors {}",
                                p.elapsed, p.sent, p.received, p.in_flight, us(p.p99_ns), p.errors);
  if (terminal)
    stderr_text(fmt::format("\r{}\x1b[K{}", line, final ? "\n" : ""));
  else
    stderr_line(line);
}

std::string summary_table(const settings& s, const results& r) {
  if (s.what == mode::conn) return connection_table(s, r);
  std::string out = fmt::format(
      "mqtk-bench {}: {} publisher(s), {} subscriber(s), QoS {}, {} B payloads, rate {}\n",
      mode_name(s.what), s.publishers, s.subscribers, s.qos, s.size,
      s.rate > 0 ? fmt::format("{:g}/s per publisher", s.rate)
                 : std::string("as fast as possible"));
  out += fmt::format("sent       {:>12}  {:>12.0f} msg/s over {:.3f} s\n", r.sent,
                     rate(r.sent, r.send_seconds), r.send_seconds);
  out += fmt::format("received   {:>12}  {:>12.0f} msg/s over {:.3f} s\n", r.received,
                     rate(r.received, r.receive_seconds), r.receive_seconds);
  out += fmt::format("lost {}  duplicates {}  reordered {}  late {}  errors {}  foreign {}\n",
                     r.lost, r.duplicates, r.reordered, r.late, r.errors, r.foreign);
  out += fmt::format("{:<22} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "latency (µs)",
                     "p50", "p90", "p99", "p99.9", "p99.99", "max", "mean");
  out += latency_row("from intended send", r.from_intended);
  out += latency_row("from actual send", r.from_sent);
  return out;
}

std::string summary_json(const settings& s, const results& r) {
  nlohmann::ordered_json j;
  j["mode"] = mode_name(s.what);
  j["publishers"] = s.publishers;
  j["subscribers"] = s.subscribers;
  j["qos"] = s.qos;
  j["payload_bytes"] = s.size;
  j["rate_per_publisher"] = s.rate;
  j["sent"] = r.sent;
  j["received"] = r.received;
  j["acknowledged"] = r.acknowledged;
  j["lost"] = r.lost;
  j["duplicates"] = r.duplicates;
  j["reordered"] = r.reordered;
  j["late"] = r.late;
  j["errors"] = r.errors;
  j["foreign"] = r.foreign;
  j["send_seconds"] = r.send_seconds;
  j["receive_seconds"] = r.receive_seconds;
  j["send_rate"] = rate(r.sent, r.send_seconds);
  j["receive_rate"] = rate(r.received, r.receive_seconds);
  j["latency_us"] = {{"from_intended", latency_json(r.from_intended)},
                     {"from_sent", latency_json(r.from_sent)}};
  return j.dump() + "\n";
}

} // namespace mqtk::app::bench
