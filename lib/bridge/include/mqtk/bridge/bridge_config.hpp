// SPDX-License-Identifier: MIT
// One bridge as mosquitto.conf describes it (a `connection NAME` block): where the other broker
// is, what flows each way under which names, and how the link behaves.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mqtk::bridge {

enum class direction { out, in, both };

/// `topic PATTERN [in|out|both] [QOS] [LOCAL_PREFIX] [REMOTE_PREFIX]`: local messages on
/// LOCAL_PREFIX+PATTERN go out as REMOTE_PREFIX+PATTERN, and the other way for `in`.
struct topic_rule {
  std::string pattern;
  direction dir = direction::out;
  std::uint8_t qos = 0;
  std::string local_prefix;
  std::string remote_prefix;
};

enum class start_type { automatic, lazy, once };

struct bridge_config {
  std::string name;
  /// `address`: host:port pairs or ws:// / wss:// URLs, tried in turn.
  std::vector<std::string> addresses;
  bool round_robin = false; ///< false: after a failure, go back to the first (the main) address
  std::vector<topic_rule> topics;
  std::string remote_clientid; ///< default: HOSTNAME.NAME, as mosquitto
  std::optional<std::string> remote_username;
  std::optional<std::string> remote_password;
  std::string local_clientid; ///< the link's name in this broker; default local.REMOTE_CLIENTID
  bool cleansession = false;
  bool mqtt5 = false; ///< bridge_protocol_version mqttv50 (default mqttv311)
  std::uint16_t keepalive = 60;
  /// restart_timeout: a constant delay, or a back-off from `restart_base` up to `restart_cap`.
  std::chrono::seconds restart_base{5};
  std::chrono::seconds restart_cap{30};
  bool restart_backoff = true;
  start_type start = start_type::automatic;
  std::size_t threshold = 10;            ///< lazy: connect when this many messages wait
  std::chrono::seconds idle_timeout{60}; ///< lazy: disconnect when idle this long
  bool try_private = true;
  bool notifications = true;
  bool notifications_local_only = false;
  std::string notification_topic; ///< default $SYS/broker/connection/REMOTE_CLIENTID/state
  // TLS towards the other broker (bridge_cafile, ...): on when a CA is given or a wss:// URL.
  std::string cafile, capath, certfile, keyfile, tls_version, alpn;
  bool insecure = false;
  std::uint32_t max_packet_size = 0; ///< 0: no limit of our own
  bool outgoing_retain = true;
  /// Messages for the other broker held while the link is down (the broker's
  /// max_queued_messages); past it, new ones are dropped and counted.
  std::size_t max_queued = 1000;

  /// Fills the defaults that depend on other keys (client ids, notification topic).
  void complete(const std::string& hostname);
  /// What is wrong with the block as a whole (no address, no topic), or empty.
  std::string problem() const;
};

} // namespace mqtk::bridge
