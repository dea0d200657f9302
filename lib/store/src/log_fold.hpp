// SPDX-License-Identifier: MIT
// Internal: which records of a window of the log cancel out before the window is folded into
// the tables.
#pragma once

#include <unordered_map>
#include <vector>

#include "mqtk/broker/journal.hpp"

namespace mqtk::store::detail {

/// Marks the records of `window` (consecutive batches, in order) that need not reach the tables
/// because the window itself undoes them: a message queued to a session (alone, or as one copy
/// of a fan-out), sent and completed (acknowledged, or dropped) inside the window, with its
/// released mark; and a body that no
/// record left standing in the window refers to. What stands, applied in order to the tables
/// the window started from, leaves the same tables as the whole window would, except that the
/// packet id cycles moved by the records taken out must still be written (they are not marked:
/// see `moves_cycle`).
///
/// `known_below` bounds the message ids that may already have rows in the tables: ids at or
/// below it are never cancelled, since a send would then mean an older row, not the one the
/// window queued. The core gives ids in increasing order, and every batch states the bodies it
/// refers to (journal.hpp), so a body cancelled here is never needed by a later window.
struct fold_marks {
  std::vector<bool> record; ///< the whole record needs not reach the tables
  /// Of a message_fanout some of whose copies cancel (not all): which clients, by index.
  std::unordered_map<std::size_t, std::vector<bool>> members;
};
fold_marks cancelled(const std::vector<broker::journal_record>& window,
                     broker::message_id known_below);

/// The session whose packet id cycle `r` moves, and to where, if it moves one.
const std::string* moves_cycle(const broker::journal_record& r, std::uint16_t& to);

} // namespace mqtk::store::detail
