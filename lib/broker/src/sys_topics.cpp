// SPDX-License-Identifier: MIT
// $SYS/broker/... statistics, published as retained messages on an interval. Leading wildcards
// never match them [MQTT-4.7.2-1].
#include <string>
#include <vector>

#include "state.hpp"

namespace mqtk::broker::detail {

void state::publish_sys(time_point now) {
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(now - started).count();
  std::size_t connected = 0, slow = 0;
  for (const auto& [id, c] : conns)
    connected += c->phase == connection::phase::connected;
  for (const auto& [s, e] : congested)
    slow += e.slow;
  std::vector<std::pair<std::string, std::string>> values = {
      {"version", cfg.version_string},
      {"uptime", std::to_string(uptime) + " seconds"},
      {"clients/connected", std::to_string(connected)},
      {"clients/total", std::to_string(sessions.size())},
      {"messages/received", std::to_string(st.messages_received)},
      {"messages/sent", std::to_string(st.messages_sent)},
      {"bytes/received", std::to_string(st.bytes_received)},
      {"bytes/sent", std::to_string(st.bytes_sent)},
      {"subscriptions/count", std::to_string(trie.size())},
      {"retained messages/count", std::to_string(retained.size())},
      {"retained messages/bytes", std::to_string(retained.bytes())},
      {"publish/messages/dropped", std::to_string(st.publish_dropped)},
      {"slow consumers/count", std::to_string(slow)},
      {"slow consumers/events", std::to_string(st.slow_consumer_events)},
  };
  for (std::size_t r = 0; r < drop_reason_count; ++r)
    values.emplace_back(std::string("publish/messages/dropped/") + name(drop_reason(r)),
                        std::to_string(st.dropped[r]));
  for (const auto& [name, value] : values) {
    auto m = std::make_shared<codec::publish>();
    m->topic = "$SYS/broker/" + name;
    m->payload = value;
    m->retain = true;
    accept(std::move(m), nullptr, now);
  }
}

} // namespace mqtk::broker::detail
