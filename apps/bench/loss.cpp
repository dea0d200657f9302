// SPDX-License-Identifier: MIT
// Loss accounting from per-publisher and per-subscriber records. It runs on a finished run and
// on a merged one alike: a subscriber on one machine and the publisher on another meet here.
#include <algorithm>

#include "bench/engine.hpp"

namespace mqtk::app::bench {
namespace {

// Adds the messages [first, end) of publisher `p` to the seconds they were sent in, `times`
// over (that many subscribers missed them).
void place(const publisher_record& p, std::uint64_t first, std::uint64_t end, std::uint64_t times,
           std::vector<std::uint64_t>& by_second) {
  end = std::min(end, p.taken);
  if (first >= end || times == 0) return;
  const auto& cum = p.taken_by_second;
  // The first second whose cumulative count passes `first` sent it.
  auto k = static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), first) - cum.begin());
  while (first < end) {
    // Past the last recorded second (a short run): the last second holds the rest.
    const auto second_end = k < cum.size() ? std::min(cum[k], end) : end;
    const auto slot = std::max<std::int64_t>(
        0,
        p.second_offset + static_cast<std::int64_t>(std::min(k, cum.empty() ? 0 : cum.size() - 1)));
    const auto at = static_cast<std::size_t>(slot);
    if (by_second.size() <= at) by_second.resize(at + 1, 0);
    by_second[at] += (second_end - first) * times;
    first = second_end;
    ++k;
  }
}

} // namespace

void add_heard(std::vector<heard_record>& into, heard_record h) {
  const auto at =
      std::lower_bound(into.begin(), into.end(), h.publisher,
                       [](const heard_record& a, std::uint32_t p) { return a.publisher < p; });
  if (at == into.end() || at->publisher != h.publisher) {
    into.insert(at, std::move(h));
    return;
  }
  at->subscribers += h.subscribers;
  at->unplaced += h.unplaced;
  at->distinct += h.distinct;
  at->gaps.insert(at->gaps.end(), h.gaps.begin(), h.gaps.end());
  for (const auto& [top, n] : h.highest)
    at->highest[top] += n;
}

void account(results& r) {
  r.lost = 0;
  r.lost_unplaced = 0;
  r.lost_series.assign(r.series.size(), 0);
  for (const auto& p : r.publishers) {
    const auto at =
        std::lower_bound(r.heard.begin(), r.heard.end(), p.index,
                         [](const heard_record& a, std::uint32_t i) { return a.publisher < i; });
    const heard_record none{p.index, 0, 0, {}, {}, 0};
    const auto& h = at != r.heard.end() && at->publisher == p.index ? *at : none;
    const auto expected = p.taken * r.subscribers;
    r.lost += expected > h.distinct ? expected - h.distinct : 0;
    r.lost_unplaced += h.unplaced;
    // Where each loss belongs: holes below a subscriber's highest number, everything after its
    // highest, and all of it for subscribers that never heard this publisher.
    for (const auto& [first, end] : h.gaps)
      place(p, first, end, 1, r.lost_series);
    for (const auto& [top, n] : h.highest)
      place(p, top + 1, p.taken, n, r.lost_series);
    if (r.subscribers > h.subscribers)
      place(p, 0, p.taken, r.subscribers - h.subscribers, r.lost_series);
  }
}

} // namespace mqtk::app::bench
