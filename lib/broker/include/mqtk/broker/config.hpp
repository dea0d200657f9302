// SPDX-License-Identifier: MIT
// The broker's protocol settings and limits, with their documented defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "mqtk/session/time.hpp"

namespace mqtk::broker {

struct limits {
  /// Largest packet accepted from a client, and announced to v5 clients (CONNACK). As
  /// mosquitto's: MQTT's own limit (a 256 MB payload), with memory bounded by
  /// max_receiving_bytes rather than by refusing large messages.
  std::uint32_t max_packet_size = 268'435'455 + 5;
  /// Memory for packets over large_packet (1 MiB) being received, across all clients, counted
  /// as twice each packet's size (its bytes while they arrive, then the decoded message). A
  /// client whose large packet would pass it is not read until others complete; one packet is
  /// always let in, so none waits for ever.
  std::size_t max_receiving_bytes = std::size_t{512} << 20;
  /// mosquitto's message_size_limit: the largest payload taken (0: any the packet size allows).
  std::size_t message_size_limit = 0;
  /// mosquitto's retain_available: false refuses retained messages (v5 CONNACK says so; a
  /// retained PUBLISH disconnects with 0x9A, a retained will refuses the CONNECT).
  bool retain_available = true;
  /// A packet over large_packet must arrive at this pace at least (a large_packet's worth of
  /// bytes per large_packet_timeout), or its client is disconnected: a trickle cannot hold the
  /// memory it was let in with for ever.
  session::duration large_packet_timeout = std::chrono::seconds(30);
  /// Receive Maximum announced to v5 clients: QoS 1/2 publishes a client may have unacknowledged.
  std::uint16_t receive_maximum = 100;
  /// Outgoing QoS 1/2 messages in flight per client (also bounded by the client's Receive Maximum).
  std::uint16_t max_inflight = 100;
  /// mosquitto's max_inflight_bytes: payload bytes in flight per client before no new QoS 1/2
  /// message goes (0: no byte limit; one message always may).
  std::size_t max_inflight_bytes = 0;
  /// Messages queued per client beyond the in-flight window.
  std::size_t max_queued_messages = 1000;
  /// Bytes of payload queued per client; with drop_when_full, also the QoS 0 bytes waiting for
  /// its socket before they are dropped.
  std::size_t max_queued_bytes = 64 * 1024 * 1024;
  /// Payload bytes of QoS 1/2 messages queued across all sessions. When reached, publishers
  /// are held back (and let go in the order they were held once the total is under 90%); a
  /// message for an offline or slow subscriber is dropped instead.
  std::size_t max_queued_bytes_total = std::size_t{1} << 30;
  /// Retained messages kept at most, and their topic and payload bytes (SIZE_MAX: no limit).
  /// Replacing or clearing a topic's retained message is always possible within them.
  std::size_t max_retained_messages = SIZE_MAX;
  std::size_t max_retained_bytes = SIZE_MAX;
  /// Topic Alias Maximum announced to v5 clients.
  std::uint16_t topic_alias_maximum = 64;
  /// Levels a topic name or filter may have.
  std::size_t max_topic_levels = 64;
  /// Simultaneous connections.
  std::size_t max_connections = 100'000;
  /// Time a new connection has to send CONNECT.
  session::duration connect_timeout = std::chrono::seconds(10);
  /// Largest keep-alive accepted, in seconds (0: any). A v5 client asking for more, or for none,
  /// is told this value as Server Keep Alive [MQTT-3.2.2-21].
  std::uint16_t max_keep_alive = 0;
  /// Largest Session Expiry Interval granted, in seconds.
  std::uint32_t max_session_expiry = 0xFFFFFFFF;
  /// mosquitto's behaviour: drop messages for a full queue instead of pausing publishers.
  bool drop_when_full = false;
  /// A subscriber whose backlog is over its limits and that takes nothing meanwhile (no
  /// acknowledgement, no bytes accepted by its socket) for this long is a slow consumer: it holds
  /// no publisher back any more, and what its queue cannot hold is dropped and counted for it,
  /// until it has kept up for ten times as long. Zero: never (it may pause publishers without end).
  session::duration slow_consumer_timeout = std::chrono::seconds(1);
  /// A slow consumer is also disconnected (v5: DISCONNECT 0x97 Quota exceeded), so a persistent
  /// session queues offline like any other.
  bool slow_consumer_disconnect = false;
};

struct config {
  limits lim;
  bool allow_anonymous = true;
  /// Interval of the $SYS/broker/... statistics (0: off).
  session::duration sys_interval = std::chrono::seconds(10);
  /// The process's heap in use, for $SYS/broker/heap/current (the core cannot know it; null:
  /// not published).
  std::size_t (*heap_in_use)() = nullptr;
  std::string version_string = "mqtk-broker";
  /// Log each client's connect, refusal and disconnect with its reason (take_log(), notice
  /// level); drops, slow consumers and failures are logged whatever this says.
  bool log_connections = false;
  /// Log each SUBSCRIBE and UNSUBSCRIBE filter (subscribe and unsubscribe levels).
  bool log_subscriptions = false;
  /// mosquitto's mount_point, by listener index (on_accept()'s `listener`; empty: none): the
  /// prefix put before every topic and filter of that listener's clients, and taken off every
  /// topic sent to them, so each listener's clients see only their own part of the tree.
  std::vector<std::string> mount_points;
  /// Record every change of durable state for take_journal() (persistence).
  bool journal = false;
};

} // namespace mqtk::broker
