// SPDX-License-Identifier: MIT
// The broker's durable store: broker_core's journal records saved in one SQLite database, and
// read back as records for broker_core::restore().
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqtk/broker/journal.hpp"

namespace mqtk::store {

/// How hard a commit holds: `normal` survives a crash of the process (WAL, synchronous=NORMAL);
/// `full` also survives power loss (an fsync per commit).
enum class sync_mode { normal, full };

/// One database file, written by one broker at a time. Design: batches are appended to a log
/// file beside it (`path`-log) and folded into the inspectable tables in large steps
/// (docs/persistence.md).
/// Thread safety: none; one thread uses a store.
class sqlite_store {
public:
  /// Opens `path`, creating it (mode 0600) and its schema when it does not exist. Refuses, with
  /// `why` naming the file, a file that is not an mqtk-broker database, one with a newer schema
  /// than this build knows, and one damaged beyond SQLite's own recovery: a user's data is never
  /// silently replaced by an empty store. Refuses a file another store (another broker) has
  /// open: one store per file at a time.
  static std::unique_ptr<sqlite_store> open(const std::string& path, sync_mode mode,
                                            std::string& why);
  /// Whether another store (another broker) has `path` open now; true with `why` as open()
  /// would say it. For a broker to refuse before it binds ports or writes its pid file: open()
  /// still decides, since a broker may take the file between the two.
  static bool held_elsewhere(const std::string& path, std::string& why);
  ~sqlite_store();
  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

  /// Saves `records` (one batch, in order) as one frame of the log, written (and with
  /// sync_mode::full, on the disk) when it returns. False, with `why`, when it could not be
  /// written (disk full, read-only): then nothing of the batch is saved.
  /// Once the log holds fold_bytes, the same call folds it into the tables.
  bool save(const std::vector<broker::journal_record>& records, std::string& why);
  /// The same, keeping the records when saved (a fold then needs not read them back); `records`
  /// is left as it was when the batch was not saved.
  bool save(std::vector<broker::journal_record>&& records, std::string& why);
  /// What the database holds, as records for broker_core::restore(): the tables' state, then
  /// the log's records not folded yet.
  bool load(std::vector<broker::journal_record>& out, std::string& why);
  /// Folds the log into the tables now, in one transaction; closing the store does too.
  bool fold(std::string& why);
  /// Why a fold that save() started failed, once: the batch was saved all the same, but the log
  /// keeps growing (and a restart replays it) until a fold succeeds, which its user should hear.
  /// After open(): a torn frame cut off the log's end (a write a kill interrupted), if any.
  std::optional<std::string> take_fold_trouble();
  /// How many bytes of log a fold waits for (4 MiB unless set): the bound on what a restart
  /// replays from the log, and on the work of one fold.
  void set_fold_bytes(std::size_t bytes);
  /// The schema version this build writes.
  static constexpr int schema_version = 6;

  struct impl;

private:
  explicit sqlite_store(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

} // namespace mqtk::store
