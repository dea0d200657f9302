// SPDX-License-Identifier: MIT
// The store's log: records to bytes and back, damaged bytes refused without a crash, and the
// fold that keeps a 1 -> 1 stream out of the tables.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sqlite3.h>

#include "../../lib/store/src/log_codec.hpp"
#include "../../lib/store/src/log_file.hpp"
#include "../../lib/store/src/log_fold.hpp"
#include "../broker/journal_world.hpp"
#include "mqtk/store/sqlite_store.hpp"

using namespace mqtk;
using namespace mqtk::testing;
using namespace mqtk::broker::journal;
using broker::journal_record;
using store::sqlite_store;
using store::sync_mode;
namespace fs = std::filesystem;

namespace {

// The lists the log rows of a test name, as a store holds them.
store::detail::client_lists lists;

std::string bytes_of(const std::vector<journal_record>& records) {
  std::string out;
  store::detail::encode_log(records, lists, out);
  return out;
}

bool decode(std::string_view blob, std::vector<journal_record>& out) {
  return store::detail::decode_log(blob, lists, out);
}

store::detail::client_list listing(std::vector<std::string> ids) {
  return std::make_shared<const std::vector<std::string>>(std::move(ids));
}

std::shared_ptr<const codec::publish> body(std::string topic, std::string payload) {
  codec::publish p{std::move(topic), std::move(payload), 0, 1, true, false, {}};
  p.props.content_type = "text/plain";
  p.props.user_properties.push_back({"k", "v"});
  return std::make_shared<const codec::publish>(std::move(p));
}

broker::wall_time at_ms(std::int64_t ms) {
  return broker::wall_time(std::chrono::milliseconds(ms));
}

// One record of every kind, with every optional field both present and absent somewhere.
std::vector<journal_record> every_kind() {
  auto will = std::make_shared<codec::will_message>();
  will->topic = "w/t";
  will->payload = std::string("last\0word", 9);
  will->qos = 2;
  will->props.message_expiry_interval = 60;
  auto totals = std::make_shared<broker::stats>();
  totals->messages_received = 1ull << 40;
  totals->dropped[3] = 7;
  totals->protocol_errors = 2;
  return {session_stored{"c1", "alice", 0xFFFFFFFF, codec::protocol_version::v5},
          session_stored{"c2", std::nullopt, 30, codec::protocol_version::v311},
          session_closed{"c1", at_ms(1'800'000'000'123)},
          session_closed{"c2", std::nullopt},
          subscription_added{"c1", "a/+", {2, true, true, 1}, 268'435'455},
          subscription_removed{"c1", "a/+"},
          message_stored{300, body("a/b", "")},
          message_queued{"c1", 300, 2, true, {1, 99999}, at_ms(5)},
          message_queued{"c2", 300, 1, false, {}, std::nullopt},
          message_sent{"c1", 300, 65535},
          message_released{"c1", 65535},
          message_acked{"c1", 65535},
          message_dropped{"c2", 300, 7, false},
          inbound_received{"c2", 9},
          inbound_released{"c2", 9},
          retained_set{301, body("r/t", "kept"), at_ms(1'900'000'000'000)},
          retained_cleared{"r/t"},
          packet_id_cycle{"c1", 12},
          will_stored{"c1", will, at_ms(1'800'000'001'000)},
          will_cleared{"c1"},
          counters{totals},
          message_fanout{302, 2, false, {5}, at_ms(9), listing({"c1", "c2", "c1"})},
          session_ended{"c2"}};
}

} // namespace

TEST_CASE("every journal record kind goes through the log unchanged", "[store][log]") {
  const auto in = every_kind();
  // The list above must grow with the journal: a kind left out would go untested.
  std::set<std::size_t> kinds;
  for (const auto& r : in)
    kinds.insert(r.index());
  REQUIRE(kinds.size() == std::variant_size_v<journal_record>);

  const auto blob = bytes_of(in);
  std::vector<journal_record> out;
  REQUIRE(decode(blob, out));
  REQUIRE(out.size() == in.size());
  CHECK(bytes_of(out) == blob);
  // Field by field where a symmetric mistake in both directions would hide.
  const auto& s = std::get<session_stored>(out[0]);
  CHECK((s.client_id == "c1" && s.username == "alice" && s.expiry == 0xFFFFFFFF &&
         s.version == codec::protocol_version::v5));
  CHECK(std::get<session_closed>(out[2]).expires_at == at_ms(1'800'000'000'123));
  CHECK_FALSE(std::get<session_closed>(out[3]).expires_at);
  const auto& sub = std::get<subscription_added>(out[4]);
  CHECK((sub.options == codec::subscribe_options{2, true, true, 1} &&
         sub.subscription_id == 268'435'455));
  CHECK(*std::get<message_stored>(out[6]).message == *body("a/b", ""));
  const auto& q = std::get<message_queued>(out[7]);
  CHECK((q.qos == 2 && q.retain && q.subscription_ids == std::vector<std::uint32_t>{1, 99999} &&
         q.expires_at == at_ms(5)));
  CHECK(std::get<message_sent>(out[9]).packet_id == 65535);
  const auto& d = std::get<message_dropped>(out[12]);
  CHECK((d.id == 300 && d.packet_id == 7 && !d.in_flight));
  CHECK(*std::get<retained_set>(out[15]).message == *body("r/t", "kept"));
  CHECK(*std::get<will_stored>(out[18]).will == *std::get<will_stored>(in[18]).will);
  CHECK(*std::get<counters>(out[20]).totals == *std::get<counters>(in[20]).totals);
}

// Damage inside a row (a hand-edited or corrupted file): a cut or a changed byte anywhere gives
// records or a refusal, never a crash; a cut inside a record is always refused.
TEST_CASE("a cut or changed log row is refused or read, never crashes", "[store][log]") {
  const auto records = every_kind();
  std::vector<std::size_t> ends; // where each record's bytes end
  for (std::size_t k = 1; k <= records.size(); ++k)
    ends.push_back(
        bytes_of(std::vector<journal_record>(records.begin(), records.begin() + long(k))).size());
  const auto blob = bytes_of(records);
  for (std::size_t n = 0; n < blob.size(); ++n) {
    CAPTURE(n);
    std::vector<journal_record> out;
    const bool read = decode(std::string_view(blob).substr(0, n), out);
    const bool at_boundary = n == 1 || std::find(ends.begin(), ends.end(), n) != ends.end();
    CHECK(read == at_boundary);
  }
  for (std::size_t n = 0; n < blob.size(); ++n)
    for (const char flip : {'\x01', '\x80', '\xff'}) {
      auto bad = blob;
      bad[n] = static_cast<char>(bad[n] ^ flip);
      std::vector<journal_record> out;
      (void)decode(bad, out); // the oracle is the sanitizers'
    }
  std::vector<journal_record> out;
  CHECK_FALSE(decode("", out));
  CHECK_FALSE(decode(std::string("\x03", 1), out));     // a later format
  CHECK_FALSE(decode(std::string("\x02\x7f", 2), out)); // no such kind
  CHECK_FALSE(decode(std::string("\x01\x7f", 2), out));
}

// The fan-outs of a stream to the same sessions name one list, by id: its clients are in the
// log once, however many messages name them.
TEST_CASE("fan-outs to the same clients name one list", "[store][log]") {
  store::detail::client_lists mine;
  const auto abc = listing({"a", "b", "c"});
  std::vector<journal_record> in;
  for (broker::message_id id = 1; id <= 100; ++id)
    in.push_back(message_fanout{id, 1, false, {}, std::nullopt, abc});
  in.push_back(message_fanout{101, 1, false, {}, std::nullopt, listing({"a", "b", "c"})});
  in.push_back(message_fanout{102, 1, false, {}, std::nullopt, listing({"a", "c"})});
  std::string blob;
  store::detail::encode_log(in, mine, blob);
  CHECK(mine.size() == 2); // an equal list at another address is the same list
  CHECK(mine.take_fresh().size() == 2);
  CHECK(blob.size() < 100 * 8);
  std::vector<journal_record> out;
  REQUIRE(store::detail::decode_log(blob, mine, out));
  REQUIRE(out.size() == in.size());
  const auto& first = std::get<message_fanout>(out[0]);
  CHECK(*first.clients == *abc);
  CHECK(std::get<message_fanout>(out[100]).clients == first.clients); // shared again
  CHECK(*std::get<message_fanout>(out[101]).clients == std::vector<std::string>{"a", "c"});

  // A list the reader does not know refuses the row.
  store::detail::client_lists other;
  out.clear();
  CHECK_FALSE(store::detail::decode_log(blob, other, out));
}

// A log row left by the build before (format 1) names a fan-out's clients inline.
TEST_CASE("a format 1 log row still reads", "[store][log]") {
  // format 1, message_fanout (kind 19): id 42, QoS 1, no retain, no subscription ids, no
  // expiry, clients "c1" and "c2"
  const std::string row("\x01\x13\x2a\x01\x00\x00\x00\x02\x02"
                        "c1"
                        "\x02"
                        "c2",
                        14);
  std::vector<journal_record> out;
  REQUIRE(decode(row, out));
  REQUIRE(out.size() == 1);
  const auto& f = std::get<message_fanout>(out[0]);
  CHECK((f.id == 42 && f.qos == 1 && !f.retain && f.subscription_ids.empty() && !f.expires_at));
  CHECK(*f.clients == std::vector<std::string>{"c1", "c2"});
}

namespace {

struct temp_db {
  fs::path dir;
  std::string path;
  temp_db() {
    std::string t = (fs::temp_directory_path() / "mqtk-log-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    dir = t;
    path = (dir / "mqtk.db").string();
  }
  ~temp_db() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  long long count(const char* table) const {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    const std::string q = std::string("SELECT count(*) FROM ") + table;
    REQUIRE(sqlite3_prepare_v2(db, q.c_str(), -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    const auto n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
  }
  // The batches not folded yet: the log table's rows (a version 5 store's), then the file's.
  long long batches() const {
    store::detail::log_file f;
    std::string why;
    REQUIRE(f.open(path + "-log", why));
    long long n = count("log");
    std::size_t torn = 0;
    REQUIRE(f.read([&](std::int64_t, std::string_view) { return ++n > 0; }, torn, why));
    CHECK(torn == 0);
    return n;
  }
};

// Message `id` to the durable session "sub" in three batches, as the broker journals a 1 -> 1
// stream: queued (the delivery waits for that commit), sent, acknowledged.
void save_one(sqlite_store& db, broker::message_id id, bool acked = true) {
  std::string why;
  const auto packet_id = static_cast<std::uint16_t>(id);
  REQUIRE(db.save(
      {message_stored{id, body("t", "x")}, message_queued{"sub", id, 1, false, {}, std::nullopt}},
      why));
  REQUIRE(db.save({message_sent{"sub", id, packet_id}}, why));
  if (acked) REQUIRE(db.save({message_acked{"sub", packet_id}}, why));
}

// The store at `t`, folding at `fold_bytes`.
std::unique_ptr<sqlite_store> open_folding(const temp_db& t, std::size_t fold_bytes) {
  std::string why;
  auto db = sqlite_store::open(t.path, sync_mode::normal, why);
  REQUIRE(db);
  db->set_fold_bytes(fold_bytes);
  return db;
}

// The client ids of the store's queued messages, in the order it loads them.
std::vector<std::string> queued_clients(sqlite_store& db) {
  std::string why;
  std::vector<journal_record> loaded;
  REQUIRE(db.load(loaded, why));
  std::vector<std::string> ids;
  for (const auto& r : loaded)
    if (const auto* q = std::get_if<message_queued>(&r))
      ids.push_back(q->client_id);
    else if (const auto* f = std::get_if<message_fanout>(&r))
      ids.insert(ids.end(), f->clients->begin(), f->clients->end());
  return ids;
}

} // namespace

TEST_CASE("what a window queues, sends and completes never reaches the tables", "[store][log]") {
  temp_db t;
  std::string why;
  auto db = open_folding(t, std::size_t{1} << 30);
  REQUIRE(db->save({session_stored{"sub", std::nullopt, 0xFFFFFFFF, codec::protocol_version::v5}},
                   why));
  for (broker::message_id id = 1; id <= 50; ++id)
    save_one(*db, id);
  save_one(*db, 51, false); // still in flight when the window folds
  CHECK(t.batches() == 1 + 51 * 3 - 1);
  REQUIRE(db->fold(why));
  CHECK(t.batches() == 0);
  CHECK(t.count("messages") == 1); // only the one in flight
  CHECK(t.count("queue") == 1);

  // Its acknowledgement in the next window deletes the row and the body the tables got.
  REQUIRE(db->save({message_acked{"sub", 51}}, why));
  REQUIRE(db->fold(why));
  CHECK(t.count("messages") == 0);
  CHECK(t.count("queue") == 0);

  // The id cycle still moved with every send the fold left out.
  std::vector<journal_record> loaded;
  REQUIRE(db->load(loaded, why));
  const auto cycle = std::find_if(loaded.begin(), loaded.end(), [](const auto& r) {
    return std::holds_alternative<packet_id_cycle>(r);
  });
  REQUIRE(cycle != loaded.end());
  CHECK(std::get<packet_id_cycle>(*cycle).last_packet_id == 51);
}

TEST_CASE("a store saves to its log and folds at its bound", "[store][log]") {
  temp_db t;
  std::string why;
  auto db = open_folding(t, 2000);
  REQUIRE(db->save({session_stored{"sub", std::nullopt, 60, codec::protocol_version::v5}}, why));
  CHECK(t.batches() == 1);
  CHECK(t.count("sessions") == 0); // not folded yet
  for (broker::message_id id = 1; id <= 100; ++id)
    save_one(*db, id, false);
  CHECK(t.count("sessions") == 1);
  CHECK(t.batches() < 100); // folded on the way
  db.reset();               // a clean close folds the rest
  CHECK(t.batches() == 0);
  CHECK(t.count("queue") == 100);
}

TEST_CASE("a log row that does not decode refuses the start by name", "[store][log]") {
  temp_db t;
  std::string why;
  {
    auto db = open_folding(t, std::size_t{1} << 30);
    REQUIRE(db->save({session_stored{"s", std::nullopt, 60, codec::protocol_version::v5}}, why));
  }
  // A row as a damaged file (or a newer broker) may hold, found at the next start.
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(t.path.c_str(), &raw) == SQLITE_OK);
  REQUIRE(sqlite3_exec(raw, "INSERT INTO log(records) VALUES(x'0206')", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  sqlite3_close(raw);
  {
    auto db = open_folding(t, std::size_t{1} << 30);
    REQUIRE_FALSE(db->fold(why)); // the fold refuses, and keeps the log
    CHECK_THAT(why, Catch::Contains(t.path) && Catch::Contains("log row 1"));
    // A fold that save() starts fails alike: the batch is saved, and the trouble told once.
    db->set_fold_bytes(0);
    (void)db->take_fold_trouble();
    REQUIRE(db->save({session_closed{"s", std::nullopt}}, why));
    const auto trouble = db->take_fold_trouble();
    REQUIRE(trouble);
    CHECK_THAT(*trouble, Catch::Contains("cannot fold") && Catch::Contains("log row 1"));
    CHECK_FALSE(db->take_fold_trouble());
  }
  CHECK(t.batches() == 2);
  auto again = sqlite_store::open(t.path, sync_mode::normal, why);
  REQUIRE(again);
  std::vector<journal_record> loaded;
  CHECK_FALSE(again->load(loaded, why));
  CHECK_THAT(why, Catch::Contains(t.path) && Catch::Contains("does not decode"));
}

// The random histories of the round-trip test do exercise the fold and the fan-out rows:
// durable sessions there queue, send and complete messages across batches, and one message
// reaches several of them.
TEST_CASE("the journal's random histories give the fold records to cancel", "[store][log]") {
  std::size_t total = 0, gone = 0, shared = 0;
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    std::mt19937 rng(seed);
    world a;
    run_history(a, rng, 400);
    const auto marks = store::detail::cancelled(a.records, 0);
    total += marks.record.size();
    gone += static_cast<std::size_t>(std::count(marks.record.begin(), marks.record.end(), true));
    shared += static_cast<std::size_t>(
        std::count_if(a.records.begin(), a.records.end(), [](const journal_record& r) {
          return std::holds_alternative<message_fanout>(r);
        }));
  }
  CHECK(gone > total / 20);
  CHECK(shared > 5);
}

TEST_CASE("a message for many sessions is one fan-out row, taken copy by copy", "[store][log]") {
  temp_db t;
  std::string why;
  auto db = sqlite_store::open(t.path, sync_mode::normal, why);
  REQUIRE(db);
  db->set_fold_bytes(0); // every batch straight to the tables
  std::vector<journal_record> batch;
  for (const char* c : {"a", "b\"q", "c"})
    batch.push_back(session_stored{c, std::nullopt, 60, codec::protocol_version::v5});
  batch.push_back(message_stored{1, body("t", "one")});
  for (const char* c : {"a", "b\"q", "c"})
    batch.push_back(message_queued{c, 1, 1, false, {}, std::nullopt});
  batch.push_back(message_queued{"a", 1, 1, false, {}, std::nullopt}); // a second copy for a
  REQUIRE(db->save(batch, why));
  CHECK(t.count("fanout") == 1);
  CHECK(t.count("queue") == 1);

  // a sends its first copy (from the fan-out row), c drops its copy, b"q's session ends.
  REQUIRE(db->save({message_sent{"a", 1, 10}}, why));
  REQUIRE(db->save({message_dropped{"c", 1, 5, false}}, why));
  CHECK(t.count("fanout_taken") == 2);
  CHECK(queued_clients(*db) ==
        std::vector<std::string>{"a", "b\"q", "a"}); // sent first, then by position

  REQUIRE(db->save({session_ended{"b\"q"}}, why));
  CHECK(t.count("fanout") == 0);
  CHECK(t.count("fanout_taken") == 0);
  CHECK(t.count("messages") == 1); // a still holds two copies
  REQUIRE(db->save({message_acked{"a", 10}}, why));
  REQUIRE(db->save({message_sent{"a", 1, 11}}, why));
  REQUIRE(db->save({message_acked{"a", 11}}, why));
  CHECK(t.count("queue") == 0);
  CHECK(t.count("messages") == 0);
}

// A send right after a queued copy is about that copy only when nothing came between: here the
// acknowledgement that started the send is cancelled in the window, and the session holds an
// older copy of the same message (a retained message sent again on a second SUBSCRIBE), which
// is the one sent.
TEST_CASE("a cancelled acknowledgement does not make a send look like the newest copy's",
          "[store][log]") {
  temp_db t;
  std::string why;
  auto db = open_folding(t, std::size_t{1} << 30);
  const auto queued = [](broker::message_id id, std::uint32_t sub) {
    return message_queued{"A", id, 1, false, {sub}, std::nullopt};
  };
  for (const auto& batch : std::vector<std::vector<journal_record>>{
           {session_stored{"A", std::nullopt, 60, codec::protocol_version::v5},
            message_stored{1, body("t", "1")}, queued(1, 7), message_sent{"A", 1, 1}},
           {message_stored{2, body("r", "2")}, queued(2, 1), message_stored{3, body("t", "3")},
            queued(3, 7)},
           {message_stored{2, body("r", "2")}, queued(2, 2), message_acked{"A", 1},
            message_sent{"A", 2, 2}}})
    REQUIRE(db->save(batch, why));
  REQUIRE(db->fold(why));
  std::vector<journal_record> loaded;
  REQUIRE(db->load(loaded, why));
  std::vector<std::string> seen; // "id/subscription id", and "sent" after the copy sent
  for (const auto& r : loaded)
    if (const auto* q = std::get_if<message_queued>(&r))
      seen.push_back(std::to_string(q->id) + "/" + std::to_string(q->subscription_ids.at(0)));
    else if (std::holds_alternative<message_sent>(r))
      seen.push_back("sent");
  CHECK(seen == std::vector<std::string>{"2/1", "sent", "3/7", "2/2"});
}

// A fan-out's copies cancel one by one: the copies sent and acknowledged inside the window are
// left out of its row, a fan-out all of whose copies complete leaves nothing, not even its body.
TEST_CASE("a fan-out's completed copies are left out of its row", "[store][log]") {
  temp_db t;
  std::string why;
  auto db = open_folding(t, std::size_t{1} << 30);
  std::vector<journal_record> batch;
  for (const char* c : {"a", "b"})
    batch.push_back(session_stored{c, std::nullopt, 60, codec::protocol_version::v5});
  REQUIRE(db->save(batch, why));
  REQUIRE(db->save({message_stored{1, body("t", "1")},
                    message_fanout{1, 1, false, {}, std::nullopt, listing({"a", "b", "a"})},
                    message_stored{2, body("t", "2")},
                    message_fanout{2, 1, false, {}, std::nullopt, listing({"a", "b"})}},
                   why));
  REQUIRE(db->save({message_sent{"a", 1, 1}, message_acked{"a", 1}, message_sent{"a", 1, 2},
                    message_sent{"b", 1, 3}, message_acked{"b", 3}},
                   why));
  REQUIRE(db->save({message_acked{"a", 2}, message_sent{"a", 2, 4}, message_acked{"a", 4},
                    message_sent{"b", 2, 5}, message_acked{"b", 5}},
                   why));
  REQUIRE(db->fold(why));
  CHECK(t.count("fanout") == 0);
  CHECK(t.count("queue") == 0);
  CHECK(t.count("messages") == 0);

  // Now with one copy of a fan-out left: it alone reaches the tables, as a queue row.
  REQUIRE(db->save({message_stored{3, body("t", "3")},
                    message_fanout{3, 1, false, {}, std::nullopt, listing({"b", "a", "b"})}},
                   why));
  REQUIRE(db->save({message_sent{"b", 3, 6}, message_acked{"b", 6}, message_sent{"a", 3, 7},
                    message_acked{"a", 7}},
                   why));
  REQUIRE(db->fold(why));
  CHECK(t.count("fanout") == 0);
  CHECK(t.count("queue") == 1);
  CHECK(t.count("messages") == 1);
  CHECK(queued_clients(*db) == std::vector<std::string>{"b"});
}

// Lists no fan-out row names any more are deleted once enough have gathered (16, or twice the
// lists in use): a stream whose sessions keep changing does not grow the table without bound.
TEST_CASE("client lists no fan-out names are collected", "[store][log]") {
  temp_db t;
  std::string why;
  auto db = open_folding(t, 0); // every batch folded
  REQUIRE(db->save({session_stored{"a", std::nullopt, 60, codec::protocol_version::v5}}, why));
  long long most = 0;
  for (int k = 0; k < 100; ++k) {
    const auto id = static_cast<broker::message_id>(k + 1);
    const auto b = "b" + std::to_string(k);
    REQUIRE(db->save({session_stored{b, std::nullopt, 60, codec::protocol_version::v5},
                      message_stored{id, body("t", "x")},
                      message_fanout{id, 1, false, {}, std::nullopt, listing({"a", b})}},
                     why));
    REQUIRE(db->save({message_dropped{"a", id, 1, false}, session_ended{b}}, why));
    most = std::max(most, t.count("client_lists"));
  }
  CHECK(t.count("fanout") == 0);
  CHECK(most <= 17);

  REQUIRE(db->save({session_stored{"x", std::nullopt, 60, codec::protocol_version::v5},
                    message_stored{300, body("t", "y")},
                    message_fanout{300, 1, false, {}, std::nullopt, listing({"x", "a"})}},
                   why));
  db.reset();
  db = open_folding(t, 0);
  CHECK(queued_clients(*db) == std::vector<std::string>{"x", "a"});
}

// A fold that writes a fan-out row under a list new to the table (some of its copies cancelled
// in the window) gives the list its row before anything later in the window looks for the
// row's members: a send there is the member's, and the acknowledgement in the next window
// completes it.
TEST_CASE("a fan-out row under a list the fold made is found by the sends after it",
          "[store][log]") {
  temp_db t;
  std::string why;
  auto db = open_folding(t, std::size_t{1} << 30);
  std::vector<journal_record> sessions;
  for (const char* c : {"a", "b", "c"})
    sessions.push_back(session_stored{c, std::nullopt, 60, codec::protocol_version::v5});
  REQUIRE(db->save(sessions, why));
  REQUIRE(db->save({message_stored{1, body("t", "1")},
                    message_fanout{1, 1, false, {}, std::nullopt, listing({"a", "b", "c"})}},
                   why));
  REQUIRE(db->save({message_sent{"a", 1, 1}, message_acked{"a", 1}, message_sent{"b", 1, 2}}, why));
  REQUIRE(db->fold(why));
  std::vector<journal_record> loaded;
  REQUIRE(db->load(loaded, why));
  CHECK(std::count_if(loaded.begin(), loaded.end(), [](const journal_record& r) {
          const auto* s = std::get_if<message_sent>(&r);
          return s && s->client_id == "b" && s->packet_id == 2;
        }) == 1);
  REQUIRE(db->save({message_acked{"b", 2}}, why));
  REQUIRE(db->fold(why));
  CHECK(queued_clients(*db) == std::vector<std::string>{"c"});
  CHECK(t.count("fanout_taken") == 1);
}
