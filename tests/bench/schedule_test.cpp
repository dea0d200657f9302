// SPDX-License-Identifier: MIT
// The open-loop schedule (absolute times, catching up counted as late) and the payload stamp,
// and loss/duplicate/reorder accounting.
#include <catch2/catch.hpp>

#include "mqtk/bench/schedule.hpp"
#include "mqtk/bench/sequence.hpp"
#include "mqtk/bench/stamp.hpp"
#include "mqtk/core/bytes.hpp"

using namespace mqtk::bench;

TEST_CASE("messages are due at start + i * interval, not relative to the last send", "[schedule]") {
  schedule s(1'000, 100, 5);
  CHECK_FALSE(s.take(999));
  CHECK(s.take(1'000) == 0u);
  CHECK_FALSE(s.take(1'099));
  CHECK(s.next_due() == 1'100u);
  CHECK(s.take(1'150) == 1u); // sent 50 ns late: the next is still due at 1,200
  CHECK(s.next_due() == 1'200u);
  CHECK(s.intended(4) == 1'400u);
  CHECK(s.late() == 0);
}

TEST_CASE("after a stall the burst that catches up is counted as late", "[schedule]") {
  schedule s(0, 1'000'000, 0, 1'000'000); // 1,000 msg/s, late after 1 ms
  CHECK(s.take(0) == 0u);
  // A 10 ms stall: ten messages are due at once.
  int burst = 0;
  while (s.take(10'500'000))
    ++burst;
  CHECK(burst == 10);
  // Message 1 was due at 1 ms, sent at 10.5 ms: late; messages 10 (due 10 ms) is not.
  CHECK(s.late() == 9);
  CHECK(s.taken() == 11);
  CHECK_FALSE(s.done()); // no total: it goes on
}

TEST_CASE("as fast as possible: everything is due, nothing is late, total ends it", "[schedule]") {
  schedule s(500, 0, 3);
  CHECK(s.take(500) == 0u);
  CHECK(s.take(500) == 1u);
  CHECK(s.take(10'000'000'000) == 2u);
  CHECK_FALSE(s.take(10'000'000'000));
  CHECK(s.done());
  CHECK(s.late() == 0);
  CHECK_FALSE(s.next_due());
}

TEST_CASE("a stamp round-trips, pads to the size asked, and rejects others' payloads", "[stamp]") {
  const stamp in{7, 123'456'789'012ull, 1'700'000'000'000'000'000ull, 1'700'000'000'000'000'123ull};
  std::string payload;
  write_stamp(in, 100, payload);
  CHECK(payload.size() == 100);
  CHECK(payload.substr(0, 4) == "mqkb");
  CHECK(read_stamp(payload) == in);
  CHECK_FALSE(read_stamp(payload.substr(0, 31)));
  write_stamp(in, 32, payload);
  CHECK(payload.size() == stamp_size);
  CHECK(read_stamp(payload) == in);
  // Below 32 bytes: the compact stamp, without the intended time, sequence cut to 32 bits.
  write_stamp(in, 16, payload);
  CHECK(payload.size() == compact_stamp_size);
  CHECK(mqtk::to_hex(mqtk::as_bytes(std::string_view(payload).substr(0, 8))) ==
        "6d 6b 07 00 14 1a 99 be");
  CHECK(read_stamp(payload) ==
        stamp{7, 123'456'789'012ull & 0xFFFFFFFFull, 0, 1'700'000'000'000'000'123ull});
  write_stamp(in, 4, payload); // never smaller than a compact stamp
  CHECK(payload.size() == compact_stamp_size);
  write_stamp(in, 20, payload);
  CHECK(read_stamp(payload)->sent_ns == in.sent_ns);
  CHECK_FALSE(read_stamp(payload.substr(0, 15)));
  CHECK_FALSE(read_stamp(std::string(64, 'x')));
  CHECK_FALSE(read_stamp(""));
}

TEST_CASE("sequence tracking counts loss, duplicates and reordering", "[sequence]") {
  sequence_tracker t;
  for (const std::uint64_t n : {0ull, 1ull, 2ull, 4ull, 3ull, 3ull, 7ull, 200ull})
    t.receive(n);
  CHECK(t.received() == 7);
  CHECK(t.duplicates() == 1);
  CHECK(t.reordered() == 1); // 3 after 4
  CHECK(t.lost(8) == 2);     // 5 and 6
  CHECK(t.lost(201) == 201 - 7);
  CHECK(t.lost(0) == 0);
  sequence_tracker none;
  CHECK(none.lost(10) == 10);
}

TEST_CASE("gaps name the missing numbers below the highest seen, as ranges", "[sequence]") {
  sequence_tracker t;
  CHECK(t.gaps(10).empty());
  CHECK_FALSE(t.highest());
  for (std::uint64_t n = 0; n < 300; ++n)
    if (n != 5 && n != 6 && n != 64 && (n < 100 || n >= 190)) t.receive(n);
  t.receive(1000);
  using range = std::pair<std::uint64_t, std::uint64_t>;
  CHECK(t.gaps(10) == std::vector<range>{{5, 7}, {64, 65}, {100, 190}, {300, 1000}});
  CHECK(t.gaps(2) == std::vector<range>{{5, 7}, {64, 65}});
  CHECK(t.highest() == 1000u);
  std::uint64_t missing = 0;
  for (const auto& [a, b] : t.gaps(10))
    missing += b - a;
  CHECK(missing == t.lost(1001));
}
