// SPDX-License-Identifier: MIT
// Internal: the store's connection, its prepared statements, and how each record is saved.
#pragma once

#include <cstring>
#include <string_view>
#include <sys/types.h>
#include <unordered_map>
#include <vector>

#include "client_lists.hpp"
#include "log_file.hpp"
#include "log_fold.hpp"
#include "mqtk/store/sqlite_store.hpp"
#include "sqlite.hpp"

namespace mqtk::store {

/// The flock(2) that makes a store its file's only one (sqlite_store.cpp, open_owned).
struct file_owner {
  int fd = -1;
  dev_t dev = 0;
  ino_t ino = 0;
  file_owner() = default;
  file_owner(const file_owner&) = delete;
  file_owner& operator=(const file_owner&) = delete;
  ~file_owner();
};

struct sqlite_store::impl {
  // The connection closes once its statements below are finalized, which members declared
  // after `owner` are, before it: the lock goes after SQLite has let go of the file.
  ~impl() { sqlite3_close_v2(db); }

  file_owner owner;
  sqlite3* db = nullptr;
  std::string path;
  bool failed = false;    // a statement of this batch failed
  bool full_sync = false; // persistence_sync full: each log frame is on the disk before it counts
  // The log file (log_file.hpp), and the last seq the tables hold (meta 'log_folded'): frames at
  // or below it are left over from a fold whose emptying of the file did not happen.
  detail::log_file log_frames;
  std::int64_t folded = 0;
  // The log: bytes not folded into the tables yet, when to fold, and the highest message id
  // the tables may hold rows of (see log_fold.hpp).
  std::size_t log_bytes = 0;
  std::size_t fold_bytes = std::size_t{4} << 20;
  std::size_t next_fold = fold_bytes; // raised after a fold failed, so it is not retried per batch
  broker::message_id known_below = 0;
  std::optional<std::string> fold_trouble; // why the last fold failed, until taken
  // The log's records since the last fold, as saved, while they are all here (`in_memory`):
  // not after a start over a log left unfolded, nor after a failed fold, when the fold reads
  // the log back instead; `last_row` is the newest batch's seq (a frame's, or a row's of the log
  // table a version 5 store left).
  std::vector<broker::journal_record> window;
  bool in_memory = true;
  std::int64_t last_row = 0;
  std::vector<std::int64_t> unreferenced; // bodies that may have lost their last reference
  // Sessions whose packet id cycle moved in this batch, and where it stands; written once each.
  std::unordered_map<std::string, std::uint16_t> cycles;
  detail::statement begin, commit, rollback, read_log, drop_log, set_folded;
  // Queued messages not written yet: one message for several sessions with the same delivery
  // fields becomes one fan-out row; a single one may be sent by the next record, and is then
  // written once in its final state (put_sent) instead of an insert and an update.
  struct queued_ref { // a message_queued, or one client's copy in a message_fanout
    const std::string* client;
    broker::message_id id;
    std::uint8_t qos;
    bool retain;
    const std::vector<std::uint32_t>* subscription_ids;
    const std::optional<broker::wall_time>* expires_at;
  };
  std::vector<queued_ref> pending;
  std::string blob;                        // save()'s encoding buffer
  std::vector<std::size_t> slots, copy_of; // flush_pending's, kept for their capacity
  std::int64_t next_seq = 1;               // queue and fan-out rows share one order
  detail::client_lists lists;              // the client_lists table
  // Lists are collected (drop_unused_lists) once the table holds this many.
  std::size_t collect_lists_at = 16;
  std::vector<std::int64_t> fold_lists; // lists the fold in progress gave rows, until it commits
  detail::statement put_session, close_session, end_session, end_subscriptions, end_queue,
      end_inbound, end_will, put_subscription, drop_subscription, put_message, put_queued, put_sent,
      first_row, send_row, drop_row, mark_released, drop_sent, put_group, first_member, groups_of,
      send_member, take_member, shrink_group, drop_group, drop_taken, put_inbound, drop_inbound,
      old_retained, put_retained, drop_retained, put_will, drop_will, collect_body, put_cycle,
      put_counters, put_list, unused_lists;

  bool prepare(std::string& why);
  /// Applies `records` to the tables, leaving out what `skip` marks (nothing when null), inside
  /// the caller's transaction; false when a statement failed.
  bool apply(const std::vector<broker::journal_record>& records, const detail::fold_marks* skip);
  // The copies of the message_fanout being applied that its window cancelled, if any.
  const std::vector<bool>* fanout_skip = nullptr;
  void add_pending(const queued_ref& q);
  void write_pending(const std::vector<queued_ref>& group);
  void write_group(broker::message_id id, std::uint8_t qos, bool retain,
                   const std::vector<std::uint32_t>& subscription_ids,
                   const std::optional<broker::wall_time>& expires_at, std::int64_t list,
                   std::size_t members);
  /// Appends `blob` (save()) to the log file as the frame after `last_row`, with the lists it
  /// names first given rows (committed).
  bool save_row(std::vector<std::int64_t>& written, std::string& why);
  /// Reads the client_lists table into `lists`, at open.
  bool read_lists(std::string& why);
  /// Writes the rows of the lists given ids since the last call (into `written`, to be
  /// forgotten if the transaction does not commit); false when a row failed.
  bool write_fresh_lists(std::vector<std::int64_t>& written);
  /// Deletes the lists no fan-out row names, when the table has grown enough to look (into
  /// `dropped`, to be forgotten once committed); inside a fold, when the log holds no rows.
  bool drop_unused_lists(std::vector<std::int64_t>& dropped);
  /// Reads the log's size and last seq (cutting a torn end off the file) and the tables' highest
  /// message id, at open.
  bool measure_log(std::string& why);
  /// Folds the whole log into the tables in one transaction (log_fold.hpp).
  bool fold(std::string& why);
  bool fold_window(const std::vector<broker::journal_record>& records, std::int64_t last,
                   std::string& why);
  /// Saves a batch as a log frame (save()); false when it was not saved.
  bool save_batch(const std::vector<broker::journal_record>& records, std::string& why);
  /// Folds when the log has reached its bound.
  void fold_when_due();
  /// Drops the window kept in memory once it exceeds its budget.
  void bound_window();
  /// The log, decoded, in order (the log table's rows, then the file's frames past `folded`);
  /// the last batch's seq in `last`.
  bool read_window(std::vector<broker::journal_record>& out, std::int64_t& last, std::string& why);
  void exec_ignoring(const char* sql) {
    std::string ignored;
    detail::exec(db, sql, ignored);
  }
  bool fail(std::string& why) {
    why = path + ": " + sqlite3_errmsg(db);
    return false;
  }
  /// Runs `s`; a failure fails the batch.
  void run(detail::statement& s) {
    if (!s.run()) failed = true;
  }
  /// Runs `s` (a statement RETURNING message_id) and notes each id it returns.
  void run_returning(detail::statement& s);
  /// Writes the pending queued messages, unsent.
  void flush_pending();
  /// Takes the first unsent entry of `client` with message `id` out of the queue (from a row or
  /// from a fan-out), sent as `packet_id` when `sent`, else dropped.
  void take_first(const std::string& client, broker::message_id id, bool sent,
                  std::uint16_t packet_id);
  /// Takes `client` out of every fan-out row it has not taken yet (an ended session).
  void leave_groups(const std::string& client);
  void take_member_of(std::int64_t seq, const std::string& client);
  /// Deletes the bodies noted in `unreferenced` that nothing refers to any more, and writes the
  /// packet id cycles of the batch.
  void collect();

  void operator()(const broker::journal::session_stored& r);
  void operator()(const broker::journal::session_closed& r);
  void operator()(const broker::journal::session_ended& r);
  void operator()(const broker::journal::subscription_added& r);
  void operator()(const broker::journal::subscription_removed& r);
  void operator()(const broker::journal::message_stored& r);
  void operator()(const broker::journal::message_queued& r);
  void operator()(const broker::journal::message_fanout& r);
  void operator()(const broker::journal::message_sent& r);
  void operator()(const broker::journal::message_released& r);
  void operator()(const broker::journal::message_acked& r);
  void operator()(const broker::journal::message_dropped& r);
  void operator()(const broker::journal::inbound_received& r);
  void operator()(const broker::journal::inbound_released& r);
  void operator()(const broker::journal::retained_set& r);
  void operator()(const broker::journal::retained_cleared& r);
  void operator()(const broker::journal::packet_id_cycle& r);
  void operator()(const broker::journal::will_stored& r);
  void operator()(const broker::journal::will_cleared& r);
  void operator()(const broker::journal::counters& r);
};

} // namespace mqtk::store
