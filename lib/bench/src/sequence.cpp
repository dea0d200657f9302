// SPDX-License-Identifier: MIT
// The sequence tracker.
#include "mqtk/bench/sequence.hpp"

#include <bit>

namespace mqtk::bench {

void sequence_tracker::receive(std::uint64_t n) {
  const auto word = static_cast<std::size_t>(n / 64);
  const auto bit = std::uint64_t{1} << (n % 64);
  if (word >= seen_.size()) seen_.resize(word + 1 + word / 2, 0);
  if (seen_[word] & bit) {
    ++duplicates_;
    return;
  }
  seen_[word] |= bit;
  ++distinct_;
  if (any_ && n < highest_) ++reordered_;
  if (!any_ || n > highest_) highest_ = n;
  any_ = true;
}

std::vector<std::pair<std::uint64_t, std::uint64_t>>
sequence_tracker::gaps(std::size_t limit) const {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  if (!any_) return out;
  std::uint64_t n = 0;
  while (n < highest_ && out.size() < limit) {
    const auto word = seen_[static_cast<std::size_t>(n / 64)];
    if (word == ~std::uint64_t{0} && n % 64 == 0) { // a full word: skip it whole
      n += 64;
      continue;
    }
    if (word & (std::uint64_t{1} << (n % 64))) {
      ++n;
      continue;
    }
    const auto first = n;
    while (n < highest_ &&
           !(seen_[static_cast<std::size_t>(n / 64)] & (std::uint64_t{1} << (n % 64))))
      ++n;
    out.emplace_back(first, n);
  }
  return out;
}

std::uint64_t sequence_tracker::lost(std::uint64_t sent) const noexcept {
  std::uint64_t have = 0;
  const auto words = static_cast<std::size_t>(sent / 64);
  for (std::size_t i = 0; i < words && i < seen_.size(); ++i)
    have += static_cast<std::uint64_t>(std::popcount(seen_[i]));
  if (sent % 64 != 0 && words < seen_.size())
    have += static_cast<std::uint64_t>(
        std::popcount(seen_[words] & ((std::uint64_t{1} << (sent % 64)) - 1)));
  return sent - have;
}

} // namespace mqtk::bench
