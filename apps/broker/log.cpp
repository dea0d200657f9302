// SPDX-License-Identifier: MIT
// The log's destinations, levels and timestamps.
#include "broker/log.hpp"
#include "common/stderr_line.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <syslog.h>
#include <unistd.h>

namespace mqtk::app::broker {

namespace {

struct log_output {
  std::FILE* file;  // null: syslog(3)
  std::string path; // for a file: reopened on SIGHUP, so logrotate can move it away
  bool stamped;     // timestamps on its lines
};

struct log_state {
  std::vector<log_output> outputs{{stderr, {}, false}};
  log_settings settings;
};

log_state& state() {
  static log_state s;
  return s;
}

bool stamped(const log_settings& s, std::FILE* f) {
  return s.timestamp.value_or(::isatty(::fileno(f)) == 0);
}

// ISO 8601 in local time with milliseconds and the UTC offset, or the user's strftime format.
std::string timestamp(const std::string& format) {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  std::tm local{};
  ::localtime_r(&now.tv_sec, &local);
  char text[128];
  if (!format.empty()) {
    const auto n = std::strftime(text, sizeof text, format.c_str(), &local);
    return std::string(text, n);
  }
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &local);
  char zone[8];
  std::strftime(zone, sizeof zone, "%z", &local); // +hhmm; ISO 8601's extended form has +hh:mm
  const std::string z(zone);
  return fmt::format("{}.{:03}{}:{}", text, now.tv_nsec / 1'000'000, z.substr(0, 3),
                     z.size() >= 5 ? z.substr(3, 2) : "00");
}

std::string escaped(const std::string& line) {
  if (std::none_of(line.begin(), line.end(),
                   [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f; }))
    return line;
  std::string r;
  for (const char ch : line) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f)
      r += fmt::format("\\x{:02x}", u);
    else
      r += ch;
  }
  return r;
}

} // namespace

bool log_type_bits(const std::string& name, std::uint32_t& bits) {
  using mqtk::broker::bit;
  static const std::pair<const char*, std::uint32_t> names[] = {
      {"error", bit(log_level::error)},
      {"warning", bit(log_level::warning)},
      {"notice", bit(log_level::notice)},
      {"information", bit(log_level::information)},
      {"debug", bit(log_level::debug)},
      {"websockets", bit(log_level::debug)},
      {"subscribe", bit(log_level::subscribe)},
      {"unsubscribe", bit(log_level::unsubscribe)},
      {"all", all_log_types},
      {"none", 0},
  };
  for (const auto& [n, b] : names)
    if (name == n) {
      bits = b;
      return true;
    }
  return false;
}

bool open_log(const log_settings& s) {
  std::vector<log_output> opened;
  for (const auto& d : s.dest) {
    if (d == "stderr") opened.push_back({stderr, {}, stamped(s, stderr)});
    if (d == "stdout") opened.push_back({stdout, {}, stamped(s, stdout)});
    if (d == "syslog") { // syslog stamps lines itself
      ::openlog("mqtk-broker", LOG_PID | LOG_NDELAY, s.syslog_facility);
      opened.push_back({nullptr, {}, false});
    }
    if (d.rfind("file:", 0) != 0) continue;
    const auto path = d.substr(5);
    std::FILE* f = std::fopen(path.c_str(), "a");
    if (!f) {
      stderr_text(fmt::format("mqtk-broker: log_dest file {}: {}\n", path, std::strerror(errno)));
      return false;
    }
    opened.push_back({f, path, s.timestamp.value_or(true)});
  }
  state().outputs = std::move(opened);
  state().settings = s;
  return true;
}

void reopen_log() {
  for (auto& o : state().outputs)
    if (o.file != nullptr && !o.path.empty())
      if (std::FILE* f = std::freopen(o.path.c_str(), "a", o.file)) o.file = f;
}

bool logs(log_level level) {
  return (state().settings.types & mqtk::broker::bit(level)) != 0;
}

namespace {
int priority(log_level level) {
  switch (level) {
  case log_level::error:
    return LOG_ERR;
  case log_level::warning:
    return LOG_WARNING;
  case log_level::notice:
    return LOG_NOTICE;
  case log_level::information:
    return LOG_INFO;
  default:
    return LOG_DEBUG;
  }
}

void write_line(log_level level, const std::string& line) {
  auto& st = state();
  std::string stamp;
  const auto text = escaped(line);
  for (const auto& o : st.outputs) {
    if (o.file == nullptr) {
      ::syslog(priority(level), "%s", text.c_str());
      continue;
    }
    if (o.stamped && stamp.empty()) stamp = timestamp(st.settings.timestamp_format) + " ";
    // A log that cannot be written (a full disk, a closed pipe) must not end the broker:
    // fmt::print would throw from inside a client's handler, so the failure is ignored.
    const auto out = fmt::format("{}mqtk-broker: {}\n", o.stamped ? stamp : "", text);
    (void)std::fwrite(out.data(), 1, out.size(), o.file);
    (void)std::fflush(o.file);
  }
}
} // namespace

void say(log_level level, const std::string& line) {
  if (logs(level)) write_line(level, line);
}

void fail(const std::string& line) {
  write_line(log_level::error, line);
  const auto& outs = state().outputs;
  const bool on_stderr =
      std::any_of(outs.begin(), outs.end(), [](const log_output& o) { return o.file == stderr; });
  if (!on_stderr) stderr_text(fmt::format("mqtk-broker: {}\n", line));
}

} // namespace mqtk::app::broker
