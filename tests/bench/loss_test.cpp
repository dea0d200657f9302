// SPDX-License-Identifier: MIT
// mqtk-bench's loss accounting (apps/bench/loss.cpp): the total from publishers' counts and
// subscribers' records, and each loss placed in the second its message was sent, within one
// run and across instances (second offsets), with truncated gap lists counted but not placed.
#include <catch2/catch.hpp>

#include "bench/engine.hpp"
#include "mqtk/bench/sequence.hpp"

using namespace mqtk::app::bench;
using mqtk::bench::sequence_tracker;

namespace {

// What tally() records for one subscriber's tracker of publisher `p`.
heard_record heard_of(std::uint32_t p, const sequence_tracker& t, std::size_t gap_limit = 4096) {
  heard_record h{p, 1, t.received(), t.gaps(gap_limit), {{*t.highest(), 1}}, 0};
  h.unplaced = *t.highest() + 1 - t.received();
  for (const auto& [first, end] : h.gaps)
    h.unplaced -= end - first;
  return h;
}

results three_seconds() {
  results r;
  r.series.resize(3);
  return r;
}

} // namespace

TEST_CASE("loss: holes, a missed tail and a deaf subscriber, each in its send second", "[loss]") {
  auto r = three_seconds();
  r.subscribers = 3;
  // Publisher 4 sent 300: 0-99 in second 1, 100-199 in second 2, 200-299 in second 3.
  r.publishers.push_back({4, 300, {100, 200, 300}, 0});
  sequence_tracker a, b;
  for (std::uint64_t n = 0; n < 300; ++n) {
    if (n != 50 && n != 150 && n != 151) a.receive(n); // holes in seconds 1 and 2
    if (n < 250) b.receive(n);                         // the last 50 never came (second 3)
  }
  add_heard(r.heard, heard_of(4, a));
  add_heard(r.heard, heard_of(4, b));
  // The third subscriber heard nothing from publisher 4: all 300 lost.
  account(r);
  CHECK(r.lost == 3 + 50 + 300);
  CHECK(r.lost_series == std::vector<std::uint64_t>{1 + 100, 2 + 100, 50 + 100});
  CHECK(r.lost_unplaced == 0);
}

TEST_CASE("loss: a merged instance's publisher is placed from its own second offset", "[loss]") {
  auto r = three_seconds();
  r.series.resize(5);
  r.subscribers = 1;
  // This publisher's instance started 2 s after the earliest: its second 1 is the run's third.
  r.publishers.push_back({1, 20, {10, 20}, 2});
  sequence_tracker t;
  for (std::uint64_t n = 0; n < 20; ++n)
    if (n != 3 && n != 15) t.receive(n);
  add_heard(r.heard, heard_of(1, t));
  account(r);
  CHECK(r.lost == 2);
  CHECK(r.lost_series == std::vector<std::uint64_t>{0, 0, 1, 1, 0});
}

TEST_CASE("loss: publishers without a record are not counted, heard records merge", "[loss]") {
  auto r = three_seconds();
  r.subscribers = 2;
  r.publishers.push_back({0, 10, {10}, 0});
  sequence_tracker full, foreign;
  for (std::uint64_t n = 0; n < 10; ++n)
    full.receive(n);
  foreign.receive(5); // publisher 7 is another tool's: no record, no loss counted
  add_heard(r.heard, heard_of(0, full));
  add_heard(r.heard, heard_of(0, full));
  add_heard(r.heard, heard_of(7, foreign));
  REQUIRE(r.heard.size() == 2);
  CHECK(r.heard[0].subscribers == 2);
  CHECK(r.heard[0].distinct == 20);
  account(r);
  CHECK(r.lost == 0);
  CHECK(r.lost_series == std::vector<std::uint64_t>{0, 0, 0});
}

TEST_CASE("loss: past the gap limit losses are counted exactly, the rest not placed", "[loss]") {
  auto r = three_seconds();
  r.subscribers = 1;
  r.publishers.push_back({0, 1000, {1000}, 0});
  sequence_tracker t;
  for (std::uint64_t n = 0; n < 1000; n += 2) // every odd number missing: 499 below the highest
    t.receive(n);
  add_heard(r.heard, heard_of(0, t, 100)); // keep 100 ranges only
  account(r);
  CHECK(r.lost == 500);               // exact: 499 holes and the tail (999)
  CHECK(r.lost_unplaced == 399);      // holes past the 100 kept
  CHECK(r.lost_series[0] == 100 + 1); // kept holes and the tail
}
