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

std::string latency_header(const char* what) {
  return fmt::format("{:<22} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n", what, "p50",
                     "p90", "p99", "p99.9", "p99.99", "max", "mean");
}

// Where the run went and, for instances, which part of it this is.
std::string target_lines(const run_info& i) {
  std::string out = fmt::format("target     {} (MQTT {})\n", i.target, i.protocol);
  if (!i.parts.empty()) {
    out +=
        fmt::format("merged     {} instance{}\n", i.parts.size(), i.parts.size() == 1 ? "" : "s");
    for (const auto& part : i.parts)
      out += fmt::format("           {}\n", part);
  } else if (i.instances > 1) {
    out += fmt::format("instance   {}/{} on {}\n", i.instance, i.instances, i.host);
  }
  return out;
}

std::string count_row(const char* name, std::uint64_t n, const char* unit, double seconds) {
  if (seconds <= 0) return fmt::format("{:<10} {:>12}\n", name, n);
  return fmt::format("{:<10} {:>12} {:>14.0f} {:<12} {:>8.3f} s\n", name, n, rate(n, seconds), unit,
                     seconds);
}

std::string connection_table(const run_info& s, const results& r) {
  std::string out = fmt::format("mqtk-bench conn: {} clients{}, connect rate {}\n", s.clients,
                                s.churn ? " at once, churning" : " held open",
                                s.connect_rate > 0 ? fmt::format("{:g}/s", s.connect_rate)
                                                   : std::string("as fast as possible"));
  out += target_lines(s);
  out += fmt::format("{:<10} {:>12} {:>14} {:<12} {:>10}\n", "", "count", "rate", "", "window");
  out += count_row("attempted", r.sent, "", 0);
  out += count_row("connected", r.received, "connected/s", r.receive_seconds);
  out += count_row("failed", r.errors, "", 0);
  out += latency_header("CONNACK latency (µs)");
  out += latency_row("from intended connect", r.from_intended);
  out += latency_row("from actual connect", r.from_sent);
  if (s.connect_rate <= 0)
    out += "note: no --connect-rate, so each client was meant to connect when it started: the "
           "two latency rows measure the same thing\n";
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

std::string summary_table(const run_info& s, const results& r) {
  if (s.connections()) return connection_table(s, r);
  std::string out = fmt::format(
      "mqtk-bench {}: {} publisher(s), {} subscriber(s), QoS {}, {} B payloads, rate {}\n", s.mode,
      s.publishers, s.subscribers, s.qos, s.size,
      s.rate > 0 ? fmt::format("{:g}/s per publisher", s.rate)
                 : std::string("as fast as possible"));
  out += target_lines(s);
  out += fmt::format("{:<10} {:>12} {:>14} {:<12} {:>10}\n", "", "count", "rate", "", "window");
  out += count_row("sent", r.sent, "msg/s", r.send_seconds);
  out += count_row("received", r.received, "msg/s", r.receive_seconds);
  out += fmt::format("lost {}  duplicates {}  reordered {}  late {}  errors {}  foreign {}\n",
                     r.lost, r.duplicates, r.reordered, r.late, r.errors, r.foreign);
  if (r.from_intended.count() == 0 && s.subscribers == 0)
    return out + "latency    measured where messages arrive: a sub or pubsub run (merge the "
                 "instances' --save files)\n";
  out += latency_header("latency (µs)");
  out += latency_row("from intended send", r.from_intended);
  out += latency_row("from actual send", r.from_sent);
  // Without our own publishers the stamps carry another process's intended times.
  if (s.rate <= 0 && s.publishers > 0)
    out += "note: no --rate, so each message was meant to go when it went: the two latency rows "
           "measure the same thing\n";
  return out;
}

std::string summary_json(const run_info& s, const results& r) {
  nlohmann::ordered_json j;
  j["format_version"] = summary_version;
  j["target"] = s.target;
  j["mode"] = s.mode;
  j["instance"] = s.instance;
  j["instances"] = s.instances;
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
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

} // namespace mqtk::app::bench
