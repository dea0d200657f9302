// SPDX-License-Identifier: MIT
// The journal's batches between the core and the writer.
#include "journal_batches.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace mqtk::broker::detail {
namespace {

bool totals(const journal_record& r) {
  return std::holds_alternative<journal::counters>(r);
}

bool holds_state(const std::vector<journal_record>& rs) {
  return !std::all_of(rs.begin(), rs.end(), totals);
}

} // namespace

void journal_batches::add(std::vector<journal_record> fresh) {
  if (fresh.empty()) return;
  unsaved_state_ = unsaved_state_ || holds_state(fresh);
  if (totals(fresh.back())) std::erase_if(unsaved_, totals);
  if (unsaved_.empty())
    unsaved_ = std::move(fresh);
  else
    unsaved_.insert(unsaved_.end(), std::make_move_iterator(fresh.begin()),
                    std::make_move_iterator(fresh.end()));
}

std::vector<journal_record> journal_batches::hand_over() {
  saving_ = true;
  ++handed_;
  if (std::exchange(unsaved_state_, false)) state_mark_ = handed_;
  return std::exchange(unsaved_, {});
}

void journal_batches::done() noexcept {
  saving_ = false;
  saved_up_to_ = handed_;
}

bool journal_batches::put_back(std::vector<journal_record> batch) {
  if (!holds_state(batch)) return false;
  batch.insert(batch.end(), std::make_move_iterator(unsaved_.begin()),
               std::make_move_iterator(unsaved_.end()));
  unsaved_ = std::move(batch);
  unsaved_state_ = true;
  return true;
}

std::vector<journal_record> journal_batches::take_all() {
  unsaved_state_ = false;
  return std::exchange(unsaved_, {});
}

} // namespace mqtk::broker::detail
