// SPDX-License-Identifier: MIT
// $SYS/broker/... statistics as mosquitto publishes them: retained, every sys_interval, each
// topic only when its value changed. Leading wildcards never match them [MQTT-4.7.2-1].
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "state.hpp"

namespace mqtk::broker::detail {

namespace {
// The counters whose load averages are published, in the order of state::loads.
constexpr const char* load_names[] = {"messages/received", "messages/sent", "bytes/received",
                                      "bytes/sent",        "connections",   "publish/dropped"};
constexpr double windows[] = {60, 300, 900};
constexpr const char* window_names[] = {"1min", "5min", "15min"};

std::string two_decimals(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", v);
  return text;
}
} // namespace

// mosquitto's load/...: per-minute rates, exponentially averaged over 1, 5 and 15 minutes.
std::array<std::uint64_t, 6> state::load_counters() const {
  return {st.messages_received, st.messages_sent,     st.bytes_received,
          st.bytes_sent,        st.connections_total, st.publish_dropped};
}

void state::update_loads(time_point now) {
  const auto counters = load_counters();
  const double dt = std::chrono::duration<double>(now - last_sys).count();
  for (std::size_t i = 0; i < loads.size(); ++i) {
    auto& l = loads[i];
    if (dt > 0) {
      const double per_minute = static_cast<double>(counters[i] - l.last) * 60.0 / dt;
      for (std::size_t w = 0; w < 3; ++w)
        l.per_minute[w] += (per_minute - l.per_minute[w]) * (1.0 - std::exp(-dt / windows[w]));
    }
    l.last = counters[i];
  }
  last_sys = now;
}

void state::publish_sys(time_point now) {
  update_loads(now);
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(now - started).count();
  // The clients' retained messages: the broker's own $SYS ones are left out.
  const auto retained_count = retained.size() - sys_values.size();
  const auto retained_bytes = retained.bytes() - sys_retained_bytes;
  std::size_t slow = 0, stored = retained_count;
  for (const auto& [s, e] : congested)
    slow += e.slow;
  for (const auto& [id, s] : sessions)
    if (const auto* f = s->flow.peek()) stored += f->queued() + f->inflight().size();
  for (const auto& [id, l] : links) // a bridge's messages for its other broker
    if (const auto* f = l.session->flow.peek()) stored += f->queued() + f->inflight().size();
  const auto sessions_total = sessions.size();
  std::vector<std::pair<std::string, std::string>> values = {
      {"version", cfg.version_string},
      {"uptime", std::to_string(uptime) + " seconds"},
      {"clients/connected", std::to_string(connected_now)},
      {"clients/active", std::to_string(connected_now)}, // mosquitto's older name
      {"clients/disconnected", std::to_string(sessions_total - connected_now)},
      {"clients/inactive", std::to_string(sessions_total - connected_now)},
      {"clients/total", std::to_string(sessions_total)},
      {"clients/maximum", std::to_string(connected_max)},
      {"messages/received", std::to_string(st.messages_received)},
      {"messages/sent", std::to_string(st.messages_sent)},
      {"bytes/received", std::to_string(st.bytes_received)},
      {"bytes/sent", std::to_string(st.bytes_sent)},
      {"subscriptions/count", std::to_string(trie.size())},
      {"retained messages/count", std::to_string(retained_count)},
      {"retained messages/bytes", std::to_string(retained_bytes)},
      {"store/messages/count", std::to_string(stored)},
      {"store/messages/bytes", std::to_string(retained_bytes + queued_total)},
      {"publish/messages/dropped", std::to_string(st.publish_dropped)},
      {"slow consumers/count", std::to_string(slow)},
      {"slow consumers/events", std::to_string(st.slow_consumer_events)},
  };
  if (cfg.heap_in_use) values.emplace_back("heap/current", std::to_string(cfg.heap_in_use()));
  for (std::size_t r = 0; r < drop_reason_count; ++r)
    values.emplace_back(std::string("publish/messages/dropped/") + name(drop_reason(r)),
                        std::to_string(st.dropped[r]));
  for (std::size_t i = 0; i < loads.size(); ++i)
    for (std::size_t w = 0; w < 3; ++w)
      values.emplace_back(std::string("load/") + load_names[i] + "/" + window_names[w],
                          two_decimals(loads[i].per_minute[w]));
  for (auto& [name, value] : values) {
    auto& last = sys_values[name];
    if (last == value && !last.empty()) continue; // unchanged: retained already says so
    auto m = std::make_shared<codec::publish>();
    m->topic = "$SYS/broker/" + name;
    sys_retained_bytes += value.size() + (last.empty() ? m->topic.size() : 0);
    sys_retained_bytes -= last.size();
    last = value;
    m->payload = std::move(value);
    m->retain = true;
    accept(std::move(m), nullptr, now);
  }
}

} // namespace mqtk::broker::detail
