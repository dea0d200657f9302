// SPDX-License-Identifier: MIT
// Each journal record as the rows it changes.
#include <algorithm>
#include <cstdint>

#include "log_fold.hpp"
#include "message_blob.hpp"
#include "store_impl.hpp"

namespace mqtk::store {

namespace journal = broker::journal;
using detail::statement;
using impl = sqlite_store::impl;

namespace {
// ?1 has not taken its copy of the fan-out row.
constexpr const char* not_taken =
    " AND NOT EXISTS (SELECT 1 FROM fanout_taken t WHERE t.seq = fanout.seq AND t.client_id = ?1)";
// The fan-out row's list names ?1: for the few rows of one message, each row's list is looked
// at; for all rows (a session's end), the lists that name ?1 are found once.
constexpr const char* row_names =
    "EXISTS (SELECT 1 FROM client_lists l, json_each(l.clients) j WHERE l.id = fanout.clients "
    "AND j.value = ?1)";
constexpr const char* any_row_names =
    "clients IN (SELECT l.id FROM client_lists l, json_each(l.clients) j WHERE j.value = ?1)";
} // namespace

bool impl::prepare(std::string& why) {
  struct {
    statement* s;
    std::string sql;
  } all[] = {
      {&begin, "BEGIN IMMEDIATE"},
      {&read_log, "SELECT seq, records FROM log ORDER BY seq"},
      {&drop_log, "DELETE FROM log"},
      {&set_folded, "UPDATE meta SET value = ?1 WHERE key = 'log_folded'"},
      {&commit, "COMMIT"},
      {&rollback, "ROLLBACK"},
      {&put_session,
       "INSERT INTO sessions VALUES(?1, ?2, ?3, ?4, 1, NULL, 0) ON CONFLICT(client_id) "
       "DO UPDATE SET username = ?2, expiry = ?3, version = ?4, connected = 1, "
       "expires_at = NULL"},
      {&close_session, "UPDATE sessions SET connected = 0, expires_at = ?2 WHERE client_id = ?1"},
      {&end_session, "DELETE FROM sessions WHERE client_id = ?1"},
      {&end_subscriptions, "DELETE FROM subscriptions WHERE client_id = ?1"},
      {&end_queue, "DELETE FROM queue WHERE client_id = ?1 RETURNING message_id"},
      {&end_inbound, "DELETE FROM inbound WHERE client_id = ?1"},
      {&end_will, "DELETE FROM wills WHERE client_id = ?1"},
      {&put_subscription,
       "INSERT OR REPLACE INTO subscriptions VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
      {&drop_subscription, "DELETE FROM subscriptions WHERE client_id = ?1 AND filter = ?2"},
      {&put_message, "INSERT OR IGNORE INTO messages VALUES(?1, ?2, ?3, ?4, ?5, ?6)"},
      {&put_queued, "INSERT INTO queue(seq, client_id, message_id, qos, retain, "
                    "subscription_ids, expires_at) VALUES(?7, ?1, ?2, ?3, ?4, ?5, ?6)"},
      {&put_sent, "INSERT INTO queue(seq, client_id, message_id, qos, retain, subscription_ids, "
                  "expires_at, packet_id, state) VALUES(?8, ?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)"},
      {&first_row, "SELECT seq FROM queue WHERE client_id = ?1 AND message_id = ?2 AND "
                   "state = 0 ORDER BY seq LIMIT 1"},
      {&send_row, "UPDATE queue SET seq = ?2, packet_id = ?3, state = 1 WHERE seq = ?1"},
      {&drop_row, "DELETE FROM queue WHERE seq = ?1 RETURNING message_id"},
      {&mark_released, "UPDATE queue SET state = 2 WHERE client_id = ?1 AND packet_id = ?2 AND "
                       "state <> 0"},
      {&drop_sent, "DELETE FROM queue WHERE client_id = ?1 AND packet_id = ?2 AND state <> 0 "
                   "RETURNING message_id"},
      {&put_group, "INSERT INTO fanout VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
      {&first_member, std::string("SELECT seq FROM fanout WHERE message_id = ?2 AND ") + row_names +
                          not_taken + " ORDER BY seq LIMIT 1"},
      {&groups_of, std::string("SELECT seq FROM fanout WHERE ") + any_row_names + not_taken},
      {&send_member, "INSERT INTO queue(seq, client_id, message_id, qos, retain, "
                     "subscription_ids, expires_at, packet_id, state) SELECT ?2, ?3, message_id, "
                     "qos, retain, subscription_ids, expires_at, ?4, 1 FROM fanout WHERE seq = ?1"},
      {&take_member, "INSERT INTO fanout_taken VALUES(?1, ?2)"},
      {&shrink_group, "UPDATE fanout SET remaining = remaining - 1 WHERE seq = ?1 "
                      "RETURNING remaining, message_id"},
      {&drop_group, "DELETE FROM fanout WHERE seq = ?1"},
      {&drop_taken, "DELETE FROM fanout_taken WHERE seq = ?1"},
      {&put_list, "INSERT INTO client_lists VALUES(?1, ?2)"},
      {&unused_lists, "DELETE FROM client_lists WHERE id NOT IN (SELECT clients FROM fanout) "
                      "RETURNING id"},
      {&put_inbound, "INSERT OR IGNORE INTO inbound VALUES(?1, ?2)"},
      {&drop_inbound, "DELETE FROM inbound WHERE client_id = ?1 AND packet_id = ?2"},
      {&old_retained, "SELECT message_id FROM retained WHERE topic = ?1"},
      {&put_retained, "INSERT OR REPLACE INTO retained VALUES(?1, ?2, ?3)"},
      {&drop_retained, "DELETE FROM retained WHERE topic = ?1 RETURNING message_id"},
      {&put_will, "INSERT OR REPLACE INTO wills VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
      {&drop_will, "DELETE FROM wills WHERE client_id = ?1"},
      {&put_cycle, "UPDATE sessions SET last_packet_id = ?2 WHERE client_id = ?1"},
      {&put_counters, "INSERT OR REPLACE INTO counters VALUES(1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                      "?9)"},
      {&collect_body, "DELETE FROM messages WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM queue "
                      "WHERE message_id = ?1) AND NOT EXISTS (SELECT 1 FROM retained WHERE "
                      "message_id = ?1) AND NOT EXISTS (SELECT 1 FROM fanout WHERE "
                      "message_id = ?1)"},
  };
  for (auto& [s, sql] : all) {
    *s = statement(db, sql);
    if (!s->ok()) return fail(why);
  }
  return true;
}

bool impl::apply(const std::vector<broker::journal_record>& records,
                 const detail::fold_marks* skip) {
  failed = false;
  unreferenced.clear();
  pending.clear();
  for (std::size_t k = 0; k < records.size() && !failed; ++k) {
    const auto& r = records[k];
    const bool queues = std::holds_alternative<journal::message_queued>(r) ||
                        std::holds_alternative<journal::message_fanout>(r);
    if (skip != nullptr && skip->record[k]) {
      // The pending row goes first: a send may follow it as if the records between (an
      // acknowledgement that started the send) had not been, and "the message queued just before
      // is the one sent" would then be wrong when the session holds an older copy.
      if (!queues) flush_pending();
      // A record cancelled in its window changes no row, but the id cycle still moved.
      std::uint16_t to = 0;
      if (const auto* client = detail::moves_cycle(r, to)) cycles[*client] = to;
      continue;
    }
    // Only a message_sent may take a pending row over, and only a queued message join it.
    if (!queues && !std::holds_alternative<journal::message_sent>(r)) flush_pending();
    fanout_skip = nullptr;
    if (skip != nullptr)
      if (const auto it = skip->members.find(k); it != skip->members.end())
        fanout_skip = &it->second;
    std::visit(*this, r);
  }
  fanout_skip = nullptr;
  if (!failed) flush_pending();
  pending.clear();
  if (!failed) collect();
  cycles.clear();
  return !failed;
}

void impl::run_returning(statement& s) {
  int rc;
  while ((rc = s.step()) == SQLITE_ROW)
    unreferenced.push_back(s.integer(0));
  if (rc != SQLITE_DONE) failed = true;
  s.reset();
}

void impl::collect() {
  for (const auto id : unreferenced)
    run(collect_body.bind(1, id));
  unreferenced.clear();
  for (const auto& [client, last] : cycles)
    run(put_cycle.bind(1, std::string_view(client)).bind(2, std::int64_t{last}));
  cycles.clear();
}

void impl::operator()(const journal::session_stored& r) {
  run(put_session.bind(1, std::string_view(r.client_id))
          .bind(2, r.username)
          .bind(3, std::int64_t{r.expiry})
          .bind(4, static_cast<std::int64_t>(r.version)));
}

void impl::operator()(const journal::session_closed& r) {
  run(close_session.bind(1, std::string_view(r.client_id)).bind(2, detail::to_ms(r.expires_at)));
}

void impl::operator()(const journal::session_ended& r) {
  const std::string_view id = r.client_id;
  cycles.erase(r.client_id); // a session of the same id made later starts its own cycle
  run(end_session.bind(1, id));
  run(end_subscriptions.bind(1, id));
  run_returning(end_queue.bind(1, id));
  leave_groups(r.client_id);
  run(end_inbound.bind(1, id));
  run(end_will.bind(1, id));
}

void impl::operator()(const journal::subscription_added& r) {
  run(put_subscription.bind(1, std::string_view(r.client_id))
          .bind(2, std::string_view(r.filter))
          .bind(3, std::int64_t{r.options.qos})
          .bind(4, std::int64_t{r.options.no_local})
          .bind(5, std::int64_t{r.options.retain_as_published})
          .bind(6, std::int64_t{r.options.retain_handling})
          .bind(7, std::int64_t{r.subscription_id}));
}

void impl::operator()(const journal::subscription_removed& r) {
  run(drop_subscription.bind(1, std::string_view(r.client_id)).bind(2, std::string_view(r.filter)));
}

void impl::operator()(const journal::message_stored& r) {
  const auto& m = *r.message;
  run(put_message.bind(1, static_cast<std::int64_t>(r.id))
          .bind(2, std::string_view(m.topic))
          .bind_blob(3, std::string_view(m.payload))
          .bind(4, std::int64_t{m.qos})
          .bind(5, std::int64_t{m.retain})
          .bind_blob(6, detail::properties_blob(m.topic, m.props)));
}

void impl::operator()(const journal::packet_id_cycle& r) {
  cycles[r.client_id] = r.last_packet_id;
}

void impl::operator()(const journal::message_released& r) {
  run(mark_released.bind(1, std::string_view(r.client_id)).bind(2, std::int64_t{r.packet_id}));
}

void impl::operator()(const journal::message_acked& r) {
  run_returning(
      drop_sent.bind(1, std::string_view(r.client_id)).bind(2, std::int64_t{r.packet_id}));
}

void impl::operator()(const journal::inbound_received& r) {
  run(put_inbound.bind(1, std::string_view(r.client_id)).bind(2, std::int64_t{r.packet_id}));
}

void impl::operator()(const journal::inbound_released& r) {
  run(drop_inbound.bind(1, std::string_view(r.client_id)).bind(2, std::int64_t{r.packet_id}));
}

void impl::operator()(const journal::retained_set& r) {
  const std::string_view topic = r.message->topic;
  run_returning(old_retained.bind(1, topic)); // the replaced body may be unreferenced now
  (*this)(journal::message_stored{r.id, r.message});
  run(put_retained.bind(1, topic)
          .bind(2, static_cast<std::int64_t>(r.id))
          .bind(3, detail::to_ms(r.expires_at)));
}

void impl::operator()(const journal::retained_cleared& r) {
  run_returning(drop_retained.bind(1, std::string_view(r.topic)));
}

void impl::operator()(const journal::will_stored& r) {
  const auto& w = *r.will;
  run(put_will.bind(1, std::string_view(r.client_id))
          .bind(2, std::string_view(w.topic))
          .bind_blob(3, std::string_view(w.payload))
          .bind(4, std::int64_t{w.qos})
          .bind(5, std::int64_t{w.retain})
          .bind_blob(6, detail::properties_blob(w.topic, w.props))
          .bind(7, detail::to_ms(r.at)));
}

void impl::operator()(const journal::will_cleared& r) {
  run(drop_will.bind(1, std::string_view(r.client_id)));
}

void impl::operator()(const journal::counters& r) {
  const auto& t = *r.totals;
  std::string reasons;
  for (const auto n : t.dropped)
    reasons += (reasons.empty() ? "" : ",") + std::to_string(n);
  // SQLite integers are signed 64-bit: a total is capped there rather than stored negative.
  auto n = [](std::uint64_t v) {
    return static_cast<std::int64_t>(std::min<std::uint64_t>(v, INT64_MAX));
  };
  run(put_counters.bind(1, n(t.messages_received))
          .bind(2, n(t.messages_sent))
          .bind(3, n(t.bytes_received))
          .bind(4, n(t.bytes_sent))
          .bind(5, n(t.publish_dropped))
          .bind(6, std::string_view(reasons))
          .bind(7, n(t.slow_consumer_events))
          .bind(8, n(t.connections_total))
          .bind(9, n(t.protocol_errors)));
}

} // namespace mqtk::store
