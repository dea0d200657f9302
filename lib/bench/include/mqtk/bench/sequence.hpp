// SPDX-License-Identifier: MIT
// Loss, duplicate and reorder accounting for one publisher's sequence numbers, one bit per
// number seen.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace mqtk::bench {

class sequence_tracker {
public:
  /// Notes sequence number `n`. A number seen before is a duplicate; one below the highest
  /// seen so far arrived out of order.
  void receive(std::uint64_t n);
  /// Numbers below `sent` never received: call with how many the publisher sent.
  std::uint64_t lost(std::uint64_t sent) const noexcept;
  std::uint64_t received() const noexcept { return distinct_; }
  std::uint64_t duplicates() const noexcept { return duplicates_; }
  std::uint64_t reordered() const noexcept { return reordered_; }
  /// The highest number seen; nullopt before the first.
  std::optional<std::uint64_t> highest() const noexcept {
    return any_ ? std::optional<std::uint64_t>(highest_) : std::nullopt;
  }
  /// The numbers missing below the highest seen, as ranges [first, end), ascending, at most
  /// `limit` of them: with highest() and the publisher's count they say which messages were
  /// lost, so a merged run can place each loss in the second it was sent.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> gaps(std::size_t limit) const;

private:
  std::vector<std::uint64_t> seen_;
  std::uint64_t distinct_ = 0, duplicates_ = 0, reordered_ = 0, highest_ = 0;
  bool any_ = false;
};

} // namespace mqtk::bench
