// SPDX-License-Identifier: MIT
// Saving a batch as one frame of the log, and folding the log into the tables.
#include <algorithm>
#include <iterator>
#include <utility>

#include "log_codec.hpp"
#include "log_fold.hpp"
#include "store_impl.hpp"

namespace mqtk::store {

namespace journal = broker::journal;
using impl = sqlite_store::impl;

namespace {

broker::message_id highest_id(const std::vector<broker::journal_record>& records) {
  broker::message_id top = 0;
  for (const auto& r : records)
    if (const auto* m = std::get_if<journal::message_stored>(&r))
      top = std::max(top, m->id);
    else if (const auto* q = std::get_if<journal::message_queued>(&r))
      top = std::max(top, q->id);
    else if (const auto* f = std::get_if<journal::message_fanout>(&r))
      top = std::max(top, f->id);
    else if (const auto* t = std::get_if<journal::retained_set>(&r))
      top = std::max(top, t->id);
  return top;
}

} // namespace

bool impl::measure_log(std::string& why) {
  detail::statement rows(db, "SELECT coalesce(sum(length(records)), 0), coalesce(max(seq), 0) "
                             "FROM log");
  detail::statement done(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'log_folded'");
  detail::statement top(db, "SELECT coalesce(max(id), 0) FROM messages");
  detail::statement seq(db, "SELECT max(coalesce((SELECT max(seq) FROM queue), 0), "
                            "coalesce((SELECT max(seq) FROM fanout), 0))");
  if (!rows.ok() || rows.step() != SQLITE_ROW || !done.ok() || done.step() != SQLITE_ROW ||
      !top.ok() || top.step() != SQLITE_ROW || !seq.ok() || seq.step() != SQLITE_ROW)
    return fail(why);
  folded = done.integer(0);
  last_row = std::max(rows.integer(1), folded);
  // The file's last seq, for the next frame's; a torn end is cut off here, before any append.
  std::size_t torn = 0;
  const bool read = log_frames.read(
      [this](std::int64_t s, std::string_view) {
        last_row = std::max(last_row, s);
        return true;
      },
      torn, why);
  if (!read) return false;
  if (torn > 0)
    fold_trouble = std::to_string(torn) +
                   " bytes of a write cut short (a kill, or a crash) "
                   "were cut off the end of " +
                   log_frames.path() + "; they were never acknowledged";
  log_bytes = static_cast<std::size_t>(rows.integer(0)) + log_frames.size();
  in_memory = log_bytes == 0; // else the first fold reads the log left
  known_below = static_cast<broker::message_id>(top.integer(0));
  next_seq = seq.integer(0) + 1;
  return true;
}

bool impl::read_window(std::vector<broker::journal_record>& out, std::int64_t& last,
                       std::string& why) {
  const auto damaged = [&](const std::string& what) {
    why = what + " does not decode: damaged, or written by a newer mqtk-broker (use that one, or "
                 "move the files aside to start empty)";
    return false;
  };
  int rc;
  while ((rc = read_log.step()) == SQLITE_ROW) {
    last = read_log.integer(0);
    if (!detail::decode_log(read_log.bytes(1), lists, out)) {
      read_log.reset();
      return damaged(path + ": log row " + std::to_string(last));
    }
  }
  read_log.reset();
  if (rc != SQLITE_DONE) return fail(why);
  std::int64_t bad = 0;
  std::size_t torn = 0;
  const bool read = log_frames.read(
      [&](std::int64_t s, std::string_view payload) {
        if (s <= folded) return true; // the tables have it
        last = s;
        if (detail::decode_log(payload, lists, out)) return true;
        bad = s;
        return false;
      },
      torn, why);
  if (bad != 0) return damaged(log_frames.path() + ": batch " + std::to_string(bad));
  if (read && torn > 0) { // cut at open; a torn end now is a change behind the broker's back
    why = log_frames.path() + ": " + std::to_string(torn) +
          " bytes at its end changed while the broker ran; not folded";
    return false;
  }
  return read;
}

// Design: the fold works on the records as they were saved, kept since the last fold, so the
// common case decodes nothing; only a start over an unfolded log, or a retry after a failed
// fold, reads the log back (and the window is not kept then, so memory stays bounded by the
// fold's bound while the disk takes the growth).
bool impl::fold(std::string& why) {
  bool ok;
  if (in_memory) {
    ok = fold_window(window, last_row, why);
  } else {
    std::vector<broker::journal_record> from_log;
    std::int64_t last = 0;
    ok = read_window(from_log, last, why) && fold_window(from_log, last, why);
  }
  // Emptied either way (its capacity kept when folded: the next window grows as large); after
  // a failure the log has it all.
  window.clear();
  if (!ok) window.shrink_to_fit();
  in_memory = ok;
  if (ok) {
    log_bytes = 0;
    next_fold = fold_bytes;
    return true;
  }
  // Not again at the next batch: the log doubles before the next try, so a fold that keeps
  // failing costs a logarithmic number of tries, and is reported once per try.
  next_fold = log_bytes + std::max(fold_bytes, log_bytes);
  fold_trouble = "cannot fold the log into the tables (" + why +
                 "); every change is still saved in the log, which grows until a fold succeeds "
                 "and is replayed at the next start";
  return false;
}

// The fold's commit is synced whatever persistence_sync says: the log file is emptied after it,
// and a power loss must not keep the emptying and lose the commit (the batches after it would
// replay onto tables that miss the fold's). One fsync per fold.
bool impl::fold_window(const std::vector<broker::journal_record>& records, std::int64_t last,
                       std::string& why) {
  struct synced_fold {
    impl& i;
    explicit synced_fold(impl& s) : i(s) {
      if (!i.full_sync) i.exec_ignoring("PRAGMA synchronous=FULL");
    }
    ~synced_fold() {
      if (!i.full_sync) i.exec_ignoring("PRAGMA synchronous=NORMAL");
    }
  } synced(*this);
  if (!begin.run()) return fail(why);
  std::vector<std::int64_t> written, dropped; // client lists
  bool ok = true;
  if (!records.empty()) {
    const auto marks = detail::cancelled(records, known_below);
    ok = apply(records, &marks) && write_fresh_lists(written) && drop_unused_lists(dropped);
  }
  const auto now_folded = std::max(folded, last);
  ok = ok && drop_log.run() && set_folded.bind(1, now_folded).run();
  if (!ok) fail(why);
  if (ok && commit.run()) {
    folded = now_folded;
    // Emptied once the tables hold it; if that fails, what is left is at or below `folded`,
    // which reading skips, and the next fold empties it.
    std::string ignored;
    log_frames.clear(ignored);
    known_below = std::max(known_below, highest_id(records));
    for (const auto id : dropped)
      lists.forget(id);
    fold_lists.clear();
    return true;
  }
  if (ok) fail(why); // the commit failed
  rollback.run();
  for (const auto id : written)
    lists.forget(id);
  for (const auto id : fold_lists)
    lists.forget(id);
  fold_lists.clear();
  return false;
}

// The frame in `blob`, with the rows of the client lists it names committed first, so that no
// frame names a list the table does not hold.
bool impl::save_row(std::vector<std::int64_t>& written, std::string& why) {
  if (lists.has_fresh()) {
    if (!begin.run()) return fail(why);
    if (!write_fresh_lists(written) || !commit.run()) {
      fail(why);
      rollback.run();
      return false;
    }
    // Committed: they stay known with their rows whatever becomes of the frame (a list no
    // frame names is collected like any other).
    written.clear();
  }
  return log_frames.append(last_row + 1, blob, full_sync, why);
}

// Design: a batch is one frame of the log file, so what the acknowledgements wait for costs one
// write whatever the batch holds; the tables follow in folds, which most of a 1 → 1 stream
// never reaches (queued, sent and acknowledged inside one window).
bool impl::save_batch(const std::vector<broker::journal_record>& records, std::string& why) {
  blob.clear(); // kept: a fresh buffer per batch costs page faults at every size
  detail::encode_log(records, lists, blob);
  std::vector<std::int64_t> written;
  if (!save_row(written, why)) {
    for (const auto id : written)
      lists.forget(id);
    return false;
  }
  log_bytes += blob.size() + detail::log_file::header_size;
  ++last_row;
  return true;
}

// A record in memory takes several times its bytes in the log (and keeps its body, which the
// core may have let go): past a fixed budget the window is dropped, and this fold reads the log
// back, so that a large persistence_log_bytes costs disk, not memory.
void impl::bound_window() {
  constexpr std::size_t budget = std::size_t{64} << 20;
  if (!in_memory || window.size() * sizeof(broker::journal_record) <= budget) return;
  window.clear();
  window.shrink_to_fit();
  in_memory = false;
}

void impl::fold_when_due() {
  if (log_bytes < next_fold) return;
  std::string trouble; // the batch is saved; the log keeps it until a fold succeeds
  fold(trouble);
}

bool sqlite_store::save(const std::vector<broker::journal_record>& records, std::string& why) {
  return save(std::vector<broker::journal_record>(records), why);
}

bool sqlite_store::save(std::vector<broker::journal_record>&& records, std::string& why) {
  auto& i = *impl_;
  if (records.empty()) return true;
  if (!i.save_batch(records, why)) return false;
  if (i.in_memory)
    i.window.insert(i.window.end(), std::make_move_iterator(records.begin()),
                    std::make_move_iterator(records.end()));
  i.bound_window();
  i.fold_when_due();
  return true;
}

std::optional<std::string> sqlite_store::take_fold_trouble() {
  return std::exchange(impl_->fold_trouble, std::nullopt);
}

bool sqlite_store::fold(std::string& why) {
  return impl_->fold(why);
}

void sqlite_store::set_fold_bytes(std::size_t bytes) {
  impl_->fold_bytes = impl_->next_fold = bytes;
}

} // namespace mqtk::store
