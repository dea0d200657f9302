// SPDX-License-Identifier: MIT
// The mutation journal: every change of the broker's durable state as one typed record, for a
// store to save (take_journal()) and for broker_core::restore() to rebuild a core from.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mqtk/broker/stats.hpp"
#include "mqtk/codec/packets.hpp"

namespace mqtk::broker {

/// Deadlines in records are wall-clock times: a steady-clock point means nothing after a restart.
using wall_time = std::chrono::system_clock::time_point;
/// A message's id, stable for the life of the journal: bodies are stored once and referred to
/// by every session that holds the message.
using message_id = std::uint64_t;

/// Which state is durable: sessions that outlive their connection (3.1.1 clean session off; v5
/// Session Expiry > 0) with what they hold, retained messages, and delayed wills. A clean
/// session (expiry 0) writes nothing: it would vanish with its connection anyway.
namespace journal {

/// A durable session was created, resumed, or changed (user name, expiry, version): an upsert.
struct session_stored {
  std::string client_id;
  std::optional<std::string> username;
  std::uint32_t expiry = 0; ///< seconds after disconnect; 0xFFFFFFFF: never
  codec::protocol_version version = codec::protocol_version::v5;
};
/// Its connection ended; the session waits until `expires_at` (none: forever).
struct session_closed {
  std::string client_id;
  std::optional<wall_time> expires_at;
};
/// The session is gone (expired, cleaned, taken by a clean start, or no longer durable), with
/// its subscriptions, messages, inbound QoS 2 ids and delayed will.
struct session_ended {
  std::string client_id;
};
struct subscription_added { ///< also a changed subscription (same filter): an upsert
  std::string client_id;
  std::string filter;
  codec::subscribe_options options;
  std::uint32_t subscription_id = 0;
};
struct subscription_removed {
  std::string client_id;
  std::string filter;
};
/// A message body, before the first record that refers to its id, in every batch (take_journal)
/// that refers to it. It may come again with the same id and body (a retained message sent on a
/// later subscribe, a later batch): store it once. A store
/// keeps a body while a queued message or retained_set refers to it.
struct message_stored {
  message_id id = 0;
  std::shared_ptr<const codec::publish> message;
};
/// A QoS 1/2 message joined the end of the session's queue, with this delivery's fields.
struct message_queued {
  std::string client_id;
  message_id id = 0;
  std::uint8_t qos = 1;
  bool retain = false;
  std::vector<std::uint32_t> subscription_ids;
  std::optional<wall_time> expires_at;
};
/// One message joined the end of several sessions' queues alike (one PUBLISH to many durable
/// subscribers with the same delivery fields): the same as a message_queued for each client in
/// list order (a client listed twice got two copies), at one record's cost, so a fan-out to
/// thousands of sessions is not thousands of records to make, save and read.
struct message_fanout {
  message_id id = 0;
  std::uint8_t qos = 1;
  bool retain = false;
  std::vector<std::uint32_t> subscription_ids;
  std::optional<wall_time> expires_at;
  /// Never null. Shared with the fan-out before when it lists the same clients in the same
  /// order, which a stream to the same subscribers does: the list is built once, and a store
  /// can know it by its address.
  std::shared_ptr<const std::vector<std::string>> clients;
};
/// The session's first queued message with `id` entered the in-flight window as `packet_id`:
/// it awaits PUBACK (QoS 1) or PUBREC (QoS 2).
struct message_sent {
  std::string client_id;
  message_id id = 0;
  std::uint16_t packet_id = 0;
};
/// PUBREC received and PUBREL sent: the in-flight message `packet_id` awaits PUBCOMP.
struct message_released {
  std::string client_id;
  std::uint16_t packet_id = 0;
};
/// The in-flight message `packet_id` is complete (PUBACK, PUBCOMP, or a failing PUBREC).
struct message_acked {
  std::string client_id;
  std::uint16_t packet_id = 0;
};
/// A message left without being delivered (expired, too large for the client): the in-flight
/// one with `packet_id` when `in_flight`, else the first queued one with `id`, which was about to
/// be sent as `packet_id` (the id cycle has moved past it).
struct message_dropped {
  std::string client_id;
  message_id id = 0;
  std::uint16_t packet_id = 0;
  bool in_flight = false;
};
/// An inbound QoS 2 PUBLISH was accepted and PUBREC'd; its id awaits PUBREL.
struct inbound_received {
  std::string client_id;
  std::uint16_t packet_id = 0;
};
struct inbound_released {
  std::string client_id;
  std::uint16_t packet_id = 0;
};
/// The topic's retained message is now `id` (its message_stored comes first).
struct retained_set {
  message_id id = 0;
  std::shared_ptr<const codec::publish> message;
  std::optional<wall_time> expires_at;
};
struct retained_cleared {
  std::string topic;
};
/// Where the session's packet id cycle stands: the id it gave last. The core's message_sent
/// records say it as they go; a store that keeps only the messages still held says it once.
struct packet_id_cycle {
  std::string client_id;
  std::uint16_t last_packet_id = 0;
};
/// A will waits for its Will Delay Interval on a session whose connection ended.
/// The will is held by pointer: a record is as large as its largest kind, and a will's
/// properties would make every record of a restart's millions 600 bytes instead of 96.
struct will_stored {
  std::string client_id;
  std::shared_ptr<const codec::will_message> will;
  wall_time at;
};
/// The delayed will went (published, or its client came back).
struct will_cleared {
  std::string client_id;
};

/// The broker's totals as $SYS reports them (messages and bytes in and out, drops, connections),
/// so a restart counts on from there: riding with a batch at most once a second, alone every
/// 10 s when they changed, and at a clean exit. The last one wins; it refers to nothing else,
/// and no output waits for it. Held by pointer, like a will, to keep every record small.
struct counters {
  std::shared_ptr<const stats> totals;
};

} // namespace journal

using journal_record =
    std::variant<journal::session_stored, journal::session_closed, journal::session_ended,
                 journal::subscription_added, journal::subscription_removed,
                 journal::message_stored, journal::message_queued, journal::message_sent,
                 journal::message_released, journal::message_acked, journal::message_dropped,
                 journal::inbound_received, journal::inbound_released, journal::retained_set,
                 journal::retained_cleared, journal::packet_id_cycle, journal::will_stored,
                 journal::will_cleared, journal::counters, journal::message_fanout>;
// A restart holds millions of records: a new kind must not make every one of them bigger.
static_assert(sizeof(journal_record) <= 96);

} // namespace mqtk::broker
