// SPDX-License-Identifier: MIT
// The broker's durable store: broker_core's journal records saved in one SQLite database, and
// read back as records for broker_core::restore().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mqtk/broker/journal.hpp"

namespace mqtk::store {

/// How hard a commit holds: `normal` survives a crash of the process (WAL, synchronous=NORMAL);
/// `full` also survives power loss (an fsync per commit).
enum class sync_mode { normal, full };

/// One database file, written by one broker at a time.
/// Thread safety: none; one thread uses a store.
class sqlite_store {
public:
  /// Opens `path`, creating it (mode 0600) and its schema when it does not exist. Refuses, with
  /// `why` naming the file, a file that is not an mqtk-broker database, one with a newer schema
  /// than this build knows, and one damaged beyond SQLite's own recovery: a user's data is never
  /// silently replaced by an empty store.
  static std::unique_ptr<sqlite_store> open(const std::string& path, sync_mode mode,
                                            std::string& why);
  ~sqlite_store();
  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

  /// Saves `records` (one batch, in order) in one transaction. False, with `why`, when it could
  /// not be committed (disk full, read-only): then nothing of the batch is saved.
  bool save(const std::vector<broker::journal_record>& records, std::string& why);
  /// What the database holds, as records for broker_core::restore().
  bool load(std::vector<broker::journal_record>& out, std::string& why);
  /// The schema version this build writes.
  static constexpr int schema_version = 2;

  struct impl;

private:
  explicit sqlite_store(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

} // namespace mqtk::store
