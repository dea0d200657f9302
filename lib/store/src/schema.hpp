// SPDX-License-Identifier: MIT
// Internal: the store's schema, one migration per version.
#pragma once

namespace mqtk::store::detail {

// Design: the schema is written for a person with the sqlite3 shell too (docs/persistence.md):
// payloads are BLOBs of their own, times are Unix milliseconds, message bodies are stored once
// and referred to by id from queues and retained topics. Properties (v5) are kept as the codec
// encodes them, inside a PUBLISH without payload, so that every property survives exactly.
// migrations[i] takes a database from version i to i + 1; a version is never edited once
// released, a new one is added.
inline constexpr const char* migrations[] = {
    R"(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO meta VALUES('application', 'mqtk-broker');
CREATE TABLE messages(id INTEGER PRIMARY KEY, topic TEXT NOT NULL, payload BLOB NOT NULL,
                      qos INTEGER NOT NULL, retain INTEGER NOT NULL, properties BLOB);
CREATE TABLE sessions(client_id TEXT PRIMARY KEY, username TEXT, expiry INTEGER NOT NULL,
                      version INTEGER NOT NULL, connected INTEGER NOT NULL,
                      expires_at INTEGER, last_packet_id INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE subscriptions(client_id TEXT NOT NULL, filter TEXT NOT NULL, qos INTEGER NOT NULL,
                           no_local INTEGER NOT NULL, retain_as_published INTEGER NOT NULL,
                           retain_handling INTEGER NOT NULL, subscription_id INTEGER NOT NULL,
                           PRIMARY KEY(client_id, filter)) WITHOUT ROWID;
-- state: 0 queued, 1 sent (awaiting PUBACK or PUBREC), 2 PUBREL sent (awaiting PUBCOMP)
CREATE TABLE queue(seq INTEGER PRIMARY KEY, client_id TEXT NOT NULL,
                   message_id INTEGER NOT NULL, qos INTEGER NOT NULL, retain INTEGER NOT NULL,
                   subscription_ids TEXT, expires_at INTEGER,
                   packet_id INTEGER NOT NULL DEFAULT 0, state INTEGER NOT NULL DEFAULT 0);
CREATE INDEX queue_by_client ON queue(client_id, packet_id);
CREATE INDEX queue_by_message ON queue(message_id);
CREATE TABLE inbound(client_id TEXT NOT NULL, packet_id INTEGER NOT NULL,
                     PRIMARY KEY(client_id, packet_id)) WITHOUT ROWID;
CREATE TABLE retained(topic TEXT PRIMARY KEY, message_id INTEGER NOT NULL,
                      expires_at INTEGER) WITHOUT ROWID;
CREATE INDEX retained_by_message ON retained(message_id);
CREATE TABLE wills(client_id TEXT PRIMARY KEY, topic TEXT NOT NULL, payload BLOB NOT NULL,
                   qos INTEGER NOT NULL, retain INTEGER NOT NULL, properties BLOB,
                   due_at INTEGER NOT NULL) WITHOUT ROWID;
)",
    // 2: the broker's $SYS totals, one row; dropped_by_reason is "n,n,..." in drop_reason order.
    R"(
CREATE TABLE counters(id INTEGER PRIMARY KEY CHECK (id = 1),
                      messages_received INTEGER NOT NULL, messages_sent INTEGER NOT NULL,
                      bytes_received INTEGER NOT NULL, bytes_sent INTEGER NOT NULL,
                      publish_dropped INTEGER NOT NULL, dropped_by_reason TEXT NOT NULL,
                      slow_consumer_events INTEGER NOT NULL, connections_total INTEGER NOT NULL,
                      protocol_errors INTEGER NOT NULL);
)",
    // 3: the log. Each row is one batch of journal records (log_codec.hpp), committed by itself
    // and folded into the tables above, and deleted, in one transaction.
    R"(
CREATE TABLE log(seq INTEGER PRIMARY KEY, records BLOB NOT NULL);
)",
    // 4: a message queued alike for several sessions, as one row: `sessions` is a JSON array of
    // client ids, each of which holds the message at position `seq` (one order with queue's
    // seq) until fanout_taken lists it; `remaining` counts those that have not taken it.
    R"(
CREATE TABLE fanout(seq INTEGER PRIMARY KEY, message_id INTEGER NOT NULL, qos INTEGER NOT NULL,
                    retain INTEGER NOT NULL, subscription_ids TEXT, expires_at INTEGER,
                    sessions TEXT NOT NULL, remaining INTEGER NOT NULL);
CREATE INDEX fanout_by_message ON fanout(message_id);
CREATE TABLE fanout_taken(seq INTEGER NOT NULL, client_id TEXT NOT NULL,
                          PRIMARY KEY(seq, client_id)) WITHOUT ROWID;
)",
    // 5: a fan-out names its clients by a client_lists row, which a stream to the same sessions
    // shares (`clients` is a JSON array of client ids); fanout.clients replaces fanout.sessions.
    R"(
CREATE TABLE client_lists(id INTEGER PRIMARY KEY, clients TEXT NOT NULL);
INSERT INTO client_lists(clients) SELECT DISTINCT sessions FROM fanout;
CREATE TABLE fanout_5(seq INTEGER PRIMARY KEY, message_id INTEGER NOT NULL, qos INTEGER NOT NULL,
                      retain INTEGER NOT NULL, subscription_ids TEXT, expires_at INTEGER,
                      clients INTEGER NOT NULL, remaining INTEGER NOT NULL);
INSERT INTO fanout_5 SELECT f.seq, f.message_id, f.qos, f.retain, f.subscription_ids,
                            f.expires_at, l.id, f.remaining
                     FROM fanout f JOIN client_lists l ON l.clients = f.sessions;
DROP TABLE fanout;
ALTER TABLE fanout_5 RENAME TO fanout;
CREATE INDEX fanout_by_message ON fanout(message_id);
)",
    // 6: the log moves to a file beside the database (log_file.hpp); 'log_folded' is the last seq
    // of it the tables hold. The log table stays, for the rows a version 5 broker left in it.
    R"(
INSERT INTO meta VALUES('log_folded', '0');
)",
};

} // namespace mqtk::store::detail
