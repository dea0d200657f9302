// SPDX-License-Identifier: MIT
// Internal: the journal between the core and the writer, in numbered batches, and which batch
// the output taken at any moment must wait for.
#pragma once

#include <cstdint>
#include <vector>

#include "mqtk/broker/journal.hpp"

namespace mqtk::broker::detail {

/// Design: batches are numbered in the order they are handed to the writer; output taken from
/// the core goes out once every batch up to the one holding the last record journaled before it
/// is saved. Only records of durable state count for that: the $SYS totals (journal::counters)
/// acknowledge nothing, so no output waits for them, and a batch of totals alone that cannot be
/// saved is dropped (newer totals come) rather than treated as storage trouble.
/// Thread safety: the event loop's thread only.
class journal_batches {
public:
  /// Records taken from the core, in order. Only the newest totals are kept: while saves fail,
  /// older ones would pile up.
  void add(std::vector<journal_record> fresh);
  /// Records wait and no batch is with the writer.
  bool ready() const noexcept { return !saving_ && !unsaved_.empty(); }
  bool saving() const noexcept { return saving_; }
  /// The waiting records as the next batch, now with the writer.
  std::vector<journal_record> hand_over();
  /// The batch that must be saved before output taken now may go out (0: none).
  std::uint64_t mark() const noexcept { return unsaved_state_ ? handed_ + 1 : state_mark_; }
  /// The writer is done with the batch in hand, saved or not.
  void done() noexcept;
  /// Every batch up to this one is done.
  std::uint64_t saved_up_to() const noexcept { return saved_up_to_; }
  /// A batch that was not saved goes back before anything journaled after it. False when it
  /// held only totals: then it is dropped.
  bool put_back(std::vector<journal_record> batch);
  /// Everything waiting, for the last save at exit.
  std::vector<journal_record> take_all();

private:
  std::vector<journal_record> unsaved_; // taken from the core, not yet handed to the writer
  bool unsaved_state_ = false;          // unsaved_ holds records of durable state
  std::uint64_t handed_ = 0;            // the last batch handed to the writer
  std::uint64_t state_mark_ = 0;        // the last handed batch with records of durable state
  std::uint64_t saved_up_to_ = 0;
  bool saving_ = false; // batch handed_ is with the writer
};

} // namespace mqtk::broker::detail
