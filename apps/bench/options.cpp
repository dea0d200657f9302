// SPDX-License-Identifier: MIT
// mqtk-bench's command line.
#include "bench/options.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <fmt/format.h>
#include <limits>

#include "common/cli.hpp"
#include "common/option_families.hpp"
#include "mqtk/bench/stamp.hpp"
#include "mqtk/topic/validate.hpp"

namespace mqtk::app::bench {
namespace {

struct raw {
  connection_flags conn;
  std::string csv, report, save, instance, start_at, mode = "pubsub", size = "32",
                                                     topic = "mqtk-bench/%i", filter;
  unsigned publishers = 1, subscribers = 1, qos = 0, clients = 100, inflight = 0;
  double rate = 0, duration = 10, warmup = 0, drain = 2, connect_rate = 0;
  bool churn = false;
  std::uint64_t count = 0;
  bool retain = false, json = false;
  std::optional<std::uint64_t> skip_sequence;
  std::vector<std::string> sources;
  unsigned threads = 1, topics = 1;
};

void define_traffic(CLI::App& app, raw& o);
void define_output(CLI::App& app, raw& o);

void define(CLI::App& app, raw& o) {
  add_connection_flags(app, o.conn);
  new_option_family(app);
  const char* g = "Load";
  app.add_option("mode", o.mode,
                 "What to run: pubsub (default), pub, sub or conn; merge and compare read saved "
                 "runs (mqtk-bench merge --help)")
      ->type_name("pubsub|pub|sub|conn|merge|compare")
      ->group(g);
  app.add_option("--publishers", o.publishers, "Publishing clients (default 1)")
      ->type_name("N")
      ->check(CLI::Range(0u, 100000u))
      ->group(g);
  app.add_option("--subscribers", o.subscribers, "Subscribing clients (default 1)")
      ->type_name("N")
      ->check(CLI::Range(0u, 100000u))
      ->group(g);
  app.add_option("--clients", o.clients,
                 "conn: connections to open and hold (with --churn: open at once; default 100)")
      ->type_name("N")
      ->check(CLI::Range(1u, 10000000u))
      ->group(g);
  app.add_option("--connect-rate", o.connect_rate,
                 "conn: connections per second, on an absolute schedule (default: as fast as "
                 "possible)")
      ->type_name("CONN/S")
      ->check(CLI::Range(0.0, 1e7))
      ->group(g);
  app.add_flag("--churn", o.churn,
               "conn: connect, wait for CONNACK, disconnect, again, for --duration")
      ->group(g);
  define_traffic(app, o);
  define_output(app, o);
}

void define_traffic(CLI::App& app, raw& o) {
  new_option_family(app);
  const char* g = "Load";
  app.add_option("--rate", o.rate,
                 "Messages per second per publisher, on an absolute schedule (default 0: as "
                 "fast as the in-flight window allows)")
      ->type_name("MSG/S")
      ->check(CLI::Range(0.0, 1e9))
      ->group(g);
  app.add_option("--count", o.count, "Messages per publisher (default: run for --duration)")
      ->type_name("N")
      ->group(g);
  app.add_option("--duration", o.duration, "Seconds to publish when no --count (default 10)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.001, 86400.0))
      ->group(g);
  app.add_option("--warmup", o.warmup, "Seconds at the start whose latencies are not recorded")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 3600.0))
      ->group(g);
  app.add_option("--drain", o.drain, "Seconds to wait for the last messages (default 2)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 3600.0))
      ->group(g);
  app.add_option(
         "-s,--size", o.size,
         "Payload size: 64, 1k, 16KiB, 1M (at least 16; under 32 a compact stamp; default 32)")
      ->type_name("BYTES")
      ->group(g);
  app.add_option("-q,--qos", o.qos, "QoS 0, 1 or 2 (default 0)")
      ->type_name("0|1|2")
      ->check(CLI::Range(0, 2))
      ->group(g);
  app.add_option("--inflight", o.inflight,
                 "QoS 1/2 messages in flight per publisher (default: the broker's Receive "
                 "Maximum)")
      ->type_name("N")
      ->check(CLI::Range(1, 65535))
      ->group(g);
  app.add_flag("-r,--retain", o.retain, "Publish retained")->group(g);
  app.add_option("-t,--topic", o.topic,
                 "Topic template: %i publisher index, %c client id, %s sequence, %t topic number "
                 "(default mqtk-bench/%i)")
      ->type_name("TEMPLATE")
      ->group(g);
  app.add_option("--topics", o.topics,
                 "Spread each publisher's messages over N topics in turn: %t in -t is 0..N-1")
      ->type_name("N")
      ->check(CLI::Range(1u, 1000000u))
      ->group(g);
  app.add_option("--filter", o.filter, "Subscribers' filter (default: the template, codes as +)")
      ->type_name("FILTER")
      ->group(g);
}

// Scale-out and where the results go (same group as the traffic flags, after them in --help).
void define_output(CLI::App& app, raw& o) {
  new_option_family(app);
  const char* g = "Load";
  app.add_option("--source-addresses", o.sources,
                 "Connect from these local addresses in turn, past the ~28k ports of one: "
                 "127.0.0.1-127.0.0.8 or a comma list")
      ->type_name("LIST")
      ->group(g);
  app.add_option("--threads", o.threads,
                 "Split the clients over N threads, each with its own event loop (default 1)")
      ->type_name("N")
      ->check(CLI::Range(1, 256))
      ->group(g);
  app.add_option("--instance", o.instance,
                 "Be instance I of N processes (on N machines) that form one run: client ids, "
                 "%i and publisher numbers never collide; merge their --save files")
      ->type_name("I/N")
      ->group(g);
  app.add_option("--start-at", o.start_at,
                 "Start the load at this wall-clock time, on every instance alike: Unix "
                 "seconds (date +%s) or 2026-12-07T18:00:00Z")
      ->type_name("TIME")
      ->group(g);
  app.add_flag("--json", o.json, "Print the summary as one JSON object on stdout")->group(g);
  app.add_option("--save", o.save,
                 "Write the whole run as JSON to FILE (histograms, per-second series, "
                 "per-publisher counts): what mqtk-bench merge and compare read")
      ->type_name("FILE")
      ->group(g);
  app.add_option("--csv", o.csv, "Write the per-second series and the summary as CSV to FILE")
      ->type_name("FILE")
      ->group(g);
  app.add_option("--report", o.report,
                 "Write one self-contained HTML page to FILE: throughput, latency percentiles "
                 "and losses over time, the percentile spectrum")
      ->type_name("FILE")
      ->group(g);
  // A test hook (tests/cli/bench_cli.sh), not a feature: hidden from --help and the manual.
  app.add_option("--skip-sequence", o.skip_sequence,
                 "Never send this sequence number, yet count it as sent (checks loss reporting)")
      ->type_name("N")
      ->group("");
}

// The subscribers' default filter: every % code of the template matches one level.
std::string filter_for(const std::string& tmpl) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '%' && i + 1 < tmpl.size()) {
      const auto start = out.rfind('/') == std::string::npos ? 0 : out.rfind('/') + 1;
      const auto end = tmpl.find('/', i);
      out.resize(start);
      out += '+';
      i = (end == std::string::npos ? tmpl.size() : end) - 1;
    } else {
      out.push_back(tmpl[i]);
    }
  }
  return out;
}

// "127.0.0.1-127.0.0.8" or "127.0.0.1,::1": every address, in order (at most 256).
bool parse_sources(const std::string& text, std::vector<std::string>& out, std::string& why) {
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string item(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    const auto dash = item.find('-');
    in_addr first{}, last{};
    in6_addr any6{};
    if (dash == std::string::npos) {
      if (::inet_pton(AF_INET, item.c_str(), &first) != 1 &&
          ::inet_pton(AF_INET6, item.c_str(), &any6) != 1)
        return why = "--source-addresses: " + item + " is not an IP address", false;
      out.push_back(item);
      continue;
    }
    if (::inet_pton(AF_INET, item.substr(0, dash).c_str(), &first) != 1 ||
        ::inet_pton(AF_INET, item.substr(dash + 1).c_str(), &last) != 1 ||
        ntohl(last.s_addr) < ntohl(first.s_addr) || ntohl(last.s_addr) - ntohl(first.s_addr) > 255)
      return why = "--source-addresses: " + item + " is not an IPv4 range of at most 256", false;
    for (auto a = ntohl(first.s_addr); a <= ntohl(last.s_addr); ++a) {
      in_addr one{htonl(a)};
      char buf[INET_ADDRSTRLEN];
      out.emplace_back(::inet_ntop(AF_INET, &one, buf, sizeof buf));
    }
  }
  if (out.size() > 256) return why = "--source-addresses: at most 256 addresses", false;
  return true;
}

// "2/4": instance 2 of 4.
bool parse_instance(const std::string& text, settings& s, std::string& why) {
  unsigned i = 0, n = 0;
  const auto slash = text.find('/');
  const auto* end = text.data() + text.size();
  if (slash == std::string::npos ||
      std::from_chars(text.data(), text.data() + slash, i).ptr != text.data() + slash ||
      std::from_chars(text.data() + slash + 1, end, n).ptr != end || i < 1 || n > 65536 || i > n)
    return why = "--instance " + text + ": expected I/N with 1 <= I <= N, e.g. 2/4", false;
  s.instance = i;
  s.instances = n;
  return true;
}

// Unix seconds (with a fraction) or an ISO 8601 UTC time with Z.
bool parse_start_at(const std::string& text, settings& s, std::string& why) {
  double seconds = 0;
  const auto* end = text.data() + text.size();
  if (const auto r = std::from_chars(text.data(), end, seconds);
      r.ptr != end || r.ec != std::errc{}) {
    std::tm tm{};
    double fraction = 0;
    const char* rest = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (rest && *rest == '.' && std::isdigit(static_cast<unsigned char>(rest[1]))) {
      const char* digits = rest + 1;
      rest = digits;
      while (std::isdigit(static_cast<unsigned char>(*rest)))
        ++rest;
      fraction = std::stod("0." + std::string(digits, rest));
    }
    if (!rest || std::string_view(rest) != "Z")
      return why = "--start-at " + text +
                   ": expected Unix seconds (date +%s) or a UTC time like 2026-12-07T18:00:00Z",
             false;
    seconds = static_cast<double>(::timegm(&tm)) + fraction;
  }
  const auto now = static_cast<double>(std::time(nullptr));
  if (!std::isfinite(seconds)) return why = "--start-at " + text + ": not a time", false;
  if (seconds < now - 1)
    return why = fmt::format("--start-at {}: that was {:.0f} s ago", text, now - seconds), false;
  if (seconds > now + 86400) return why = "--start-at " + text + ": more than a day ahead", false;
  s.start_at_wall_ns = static_cast<std::uint64_t>(seconds * 1e9);
  return true;
}

// --instance, --start-at, and the client numbers they imply.
bool validate_instances(const raw& o, settings& s, std::string& why) {
  if (!o.instance.empty() && !parse_instance(o.instance, s, why)) return false;
  if (!o.start_at.empty() && !parse_start_at(o.start_at, s, why)) return false;
  const auto publishers = std::uint64_t{s.publishers} * s.instances;
  // A compact stamp carries 16 bits of publisher number.
  if (s.size < mqtk::bench::stamp_size && publishers > std::uint64_t{1} << 16)
    return why = "--size under 32 bytes numbers at most 65,536 publishers in all instances", false;
  if (publishers > most_publishers)
    return why = fmt::format("at most {} publishers in all instances (--publishers x N)",
                             most_publishers),
           false;
  const auto clients = std::uint64_t{std::max({s.publishers, s.subscribers, s.clients})};
  if (clients * s.instances > std::numeric_limits<std::uint32_t>::max())
    return why = "--instance: too many clients in all instances to number", false;
  return true;
}

std::optional<settings> validate(const raw& o, std::string& why) {
  settings s;
  auto conn = to_settings(o.conn, "mqtk-bench", why);
  if (!conn) return std::nullopt;
  s.conn = std::move(*conn);
  if (o.mode == "pub")
    s.what = mode::pub;
  else if (o.mode == "sub")
    s.what = mode::sub;
  else if (o.mode == "pubsub")
    s.what = mode::pubsub;
  else if (o.mode == "conn")
    s.what = mode::conn;
  else if (o.mode == "merge" || o.mode == "compare")
    return why = o.mode + " comes first, before any option: mqtk-bench " + o.mode + " FILE...",
           std::nullopt;
  else
    return why = "mode " + o.mode + ": use pubsub, pub, sub or conn", std::nullopt;
  s.publishers = s.what == mode::sub || s.what == mode::conn ? 0 : o.publishers;
  s.subscribers = s.what == mode::pub || s.what == mode::conn ? 0 : o.subscribers;
  s.conn.config.max_inflight = static_cast<std::uint16_t>(o.inflight);
  s.clients = o.clients;
  s.connect_rate = o.connect_rate;
  s.churn = o.churn;
  if (s.churn && s.what != mode::conn) return why = "--churn goes with conn mode", std::nullopt;
  if ((s.what == mode::pub || s.what == mode::pubsub) && s.publishers == 0)
    return why = "--publishers must be at least 1", std::nullopt;
  if ((s.what == mode::sub || s.what == mode::pubsub) && s.subscribers == 0)
    return why = "--subscribers must be at least 1", std::nullopt;
  const auto size = parse_size(o.size);
  if (!size || *size > 256u * 1024 * 1024)
    return why = "--size " + o.size + ": expected bytes like 64, 1k, 16KiB", std::nullopt;
  if (*size < mqtk::bench::compact_stamp_size)
    return why = "--size must be at least 16 bytes (the stamp)", std::nullopt;
  s.size = *size;
  s.rate = o.rate;
  s.count = o.count;
  s.duration = o.duration;
  s.warmup = o.warmup;
  s.drain = o.drain;
  s.qos = static_cast<std::uint8_t>(o.qos);
  s.retain = o.retain;
  s.topic = o.topic;
  s.topics = o.topics;
  if (s.topics > 1 && o.topic.find("%t") == std::string::npos)
    return why = "--topics needs %t in the topic template (-t), e.g. -t 'load/%t'", std::nullopt;
  s.filter = o.filter.empty() ? filter_for(o.topic) : o.filter;
  if (auto ec = topic::validate_filter(s.filter))
    return why = "--filter " + s.filter + ": " + ec.message(), std::nullopt;
  if (!o.conn.id_prefix.empty()) s.id_prefix = o.conn.id_prefix;
  s.json = o.json;
  s.csv = o.csv;
  s.report = o.report;
  s.save = o.save;
  if (!validate_instances(o, s, why)) return std::nullopt;
  s.skip_sequence = o.skip_sequence;
  s.threads = o.threads;
  for (const auto& list : o.sources)
    if (!parse_sources(list, s.sources, why)) return std::nullopt;
  if (!s.sources.empty() && !s.conn.where.bind_address.empty())
    return why = "-A and --source-addresses exclude each other", std::nullopt;
  if (!s.sources.empty() && !s.conn.where.unix_path.empty())
    return why = "--source-addresses needs TCP, not --unix", std::nullopt;
  return s;
}

} // namespace

client::endpoint endpoint_for(const settings& s, std::size_t index) {
  auto where = s.conn.where;
  if (!s.sources.empty()) where.bind_address = s.sources[index % s.sources.size()];
  return where;
}

std::optional<std::size_t> parse_size(const std::string& text) {
  std::size_t n = 0;
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, n);
  if (r.ec != std::errc{} || r.ptr == text.data()) return std::nullopt;
  const std::string unit(r.ptr, end);
  const std::size_t scale = unit.empty() || unit == "B"                  ? 1
                            : unit == "k" || unit == "K" || unit == "kB" ? 1000
                            : unit == "KiB"                              ? 1024
                            : unit == "M" || unit == "MB"                ? 1'000'000
                            : unit == "MiB"                              ? 1024 * 1024
                                                                         : 0;
  if (scale == 0) return std::nullopt;
  return n * scale;
}

std::optional<settings> parse(int argc, char** argv, int& exit_status) {
  return parse_tool<raw, settings>("mqtk-bench",
                                   "mqtk-bench: load-test an MQTT broker and measure it honestly",
                                   manual, argc, argv, exit_status, define, validate);
}

} // namespace mqtk::app::bench
