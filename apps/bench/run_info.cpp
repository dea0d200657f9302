// SPDX-License-Identifier: MIT
// Describing a live run.
#include "bench/run_info.hpp"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

#include "common/version.hpp"

namespace mqtk::app::bench {
namespace {

const char* mode_name(mode m) {
  return m == mode::pub ? "pub" : m == mode::sub ? "sub" : m == mode::conn ? "conn" : "pubsub";
}

} // namespace

std::string target_of(const settings& s) {
  const auto& w = s.conn.where;
  if (!w.unix_path.empty()) return "unix:" + w.unix_path;
  const bool v6 = w.host.find(':') != std::string::npos;
  auto url =
      fmt::format("{}://{}{}{}:{}", s.conn.scheme, v6 ? "[" : "", w.host, v6 ? "]" : "", w.port);
  if (w.websocket) url += w.ws_path;
  return url;
}

run_info describe(const settings& s) {
  run_info i;
  i.version = version_short("mqtk-bench");
  i.target = target_of(s);
  i.mode = mode_name(s.what);
  i.protocol = s.conn.version_auto ? "5.0 (3.1.1 if refused)"
                                   : std::string(codec::to_string(s.conn.config.connect.version));
  i.qos = s.qos;
  i.size = s.size;
  i.rate = s.rate;
  i.duration = s.duration;
  i.count = s.count;
  i.publishers = s.publishers;
  i.subscribers = s.subscribers;
  i.clients = s.what == mode::conn ? s.clients : 0;
  i.connect_rate = s.connect_rate;
  i.churn = s.churn;
  i.instance = s.instance;
  i.instances = s.instances;
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) == 0) i.host = name;
  utsname u{};
  if (::uname(&u) == 0) i.kernel = fmt::format("{} {}", u.sysname, u.release);
  i.cores = std::thread::hardware_concurrency();
  return i;
}

} // namespace mqtk::app::bench
