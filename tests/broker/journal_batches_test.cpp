// SPDX-License-Identifier: MIT
// The server's journal batches: which batch output must wait for, and the $SYS totals, which
// no output waits for and which are dropped rather than retried when they alone fail to save.
#include <catch2/catch.hpp>

#include "../../lib/broker/server/src/journal_batches.hpp"

using namespace mqtk::broker;
using detail::journal_batches;

namespace {

journal_record state(const char* id) {
  return journal::session_ended{id};
}
journal_record totals(std::uint64_t received) {
  stats t;
  t.messages_received = received;
  return journal::counters{std::make_shared<const stats>(t)};
}

} // namespace

TEST_CASE("batches: output waits for the last batch with durable state, never for totals",
          "[batches]") {
  journal_batches b;
  CHECK(b.mark() == 0);
  b.add({state("a")});
  CHECK(b.mark() == 1); // the next batch holds it
  REQUIRE(b.ready());
  CHECK(b.hand_over().size() == 1);
  CHECK(b.mark() == 1);
  b.add({totals(1)});
  CHECK(b.mark() == 1);   // totals alone: output waits for nothing more
  CHECK_FALSE(b.ready()); // batch 1 is still with the writer
  b.done();
  CHECK(b.saved_up_to() == 1);
  CHECK(b.hand_over().size() == 1); // batch 2: the totals
  CHECK(b.mark() == 1);
  b.done();
  b.add({state("b"), totals(2)});
  CHECK(b.mark() == 3);
}

TEST_CASE("batches: only the newest totals wait, a failed batch of totals alone is dropped",
          "[batches]") {
  journal_batches b;
  b.add({totals(1)});
  b.add({state("a")});
  b.add({totals(2)});
  auto batch = b.hand_over();
  REQUIRE(batch.size() == 2);
  CHECK(std::holds_alternative<journal::session_ended>(batch[0]));
  CHECK(std::get<journal::counters>(batch[1]).totals->messages_received == 2);
  b.done();
  // Failed: it goes back before what came meanwhile, and output waits for it again.
  b.add({state("b")});
  REQUIRE(b.put_back(std::move(batch)));
  CHECK(b.mark() == 2);
  auto again = b.take_all();
  REQUIRE(again.size() == 3);
  CHECK(std::get<journal::session_ended>(again[0]).client_id == "a");
  CHECK(std::get<journal::session_ended>(again[2]).client_id == "b");
  CHECK_FALSE(b.put_back({totals(3)})); // totals alone: dropped
  CHECK(b.take_all().empty());
}
