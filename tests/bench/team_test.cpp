// SPDX-License-Identifier: MIT
// The threads of one mqtk-bench pubsub run agree on one start time: the last thread whose
// publishers are up picks it, once, and every thread begins with it on its own event loop.
#include <asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "bench/team.hpp"

using mqtk::app::bench::team;

TEST_CASE("team: one start time, picked once by the last thread up, reaches every thread",
          "[team]") {
  team crew(2);
  asio::io_context a, b;
  std::uint64_t began_a = 0, began_b = 0;
  crew.join({&a, [] {}, [&] { began_a = crew.t0(); }, [] {}, [](int) {}});
  crew.join({&b, [] {}, [&] { began_b = crew.t0(); }, [] {}, [](int) {}});
  int picks = 0;
  crew.publishers_up([&] { return ++picks, std::uint64_t{111}; }); // not the last: no pick
  CHECK(picks == 0);
  a.run();
  CHECK(began_a == 0); // nothing posted yet
  std::thread other([&] { crew.publishers_up([&] { return ++picks, std::uint64_t{222}; }); });
  other.join();
  a.restart();
  a.run();
  b.run();
  CHECK(picks == 1);
  CHECK(began_a == 222);
  CHECK(began_b == 222);
}
