// SPDX-License-Identifier: MIT
// The SQLite store: journal batches in, records out that rebuild the same broker; files that are
// not ours, newer, damaged or read-only are refused with the file named.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "../../lib/store/src/schema.hpp" // the first schema, for the migration test
#include "mqtk/store/sqlite_store.hpp"
#include "store_testing.hpp"

using namespace mqtk;
using namespace mqtk::testing;
using store::sqlite_store;
using store::sync_mode;
namespace fs = std::filesystem;

namespace {

void sql(const std::string& path, const char* text) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, text, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

int user_version(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  const int v = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

// A store at `path` holding `ops` more operations of `a`'s history, all in one batch.
std::unique_ptr<sqlite_store> saved_history(const std::string& path, world& a, std::mt19937& rng,
                                            int ops) {
  std::string why;
  auto db = sqlite_store::open(path, sync_mode::normal, why);
  REQUIRE(db);
  run_history(a, rng, ops);
  REQUIRE(db->save(a.records, why));
  return db;
}

} // namespace

// The store's promise, on top of the journal's: what it saved, batch by batch, loads back into a
// core that answers the next 1,000 operations byte for byte as the one that wrote it. Whether
// the log was folded after every batch, now and then, or never, and whether the broker stopped
// cleanly (a final fold) or was killed (its files copied as they were, and the copy opened as a
// restart would: the store keeps the original to itself).
TEST_CASE("a core restored from the store behaves as the original", "[store]") {
  temp_dir dir;
  for (const std::size_t fold_bytes : {std::size_t{0}, std::size_t{2000}, std::size_t{1} << 30})
    for (const bool killed : {true, false})
      for (std::uint32_t seed = 1; seed <= 20; ++seed) {
        CAPTURE(fold_bytes, killed, seed);
        const auto path = dir.file(("s" + std::to_string(fold_bytes) + std::to_string(killed) +
                                    "-" + std::to_string(seed) + ".db")
                                       .c_str());
        std::string why;
        auto db = sqlite_store::open(path, sync_mode::normal, why);
        REQUIRE(db);
        db->set_fold_bytes(fold_bytes);
        std::mt19937 rng(seed);
        world a;
        save_each(*db, a, rng, 400);
        auto reopened = path;
        if (killed) {
          reopened += "-killed";
          fs::copy_file(path, reopened);
          for (const char* suffix : {"-wal", "-log"})
            if (fs::exists(path + suffix)) fs::copy_file(path + suffix, reopened + suffix);
        } else {
          db.reset();
        }
        require_restores(reopened, a, rng, 1000);
      }
}

TEST_CASE("a new store is private, versioned and ours", "[store]") {
  temp_dir dir;
  const auto path = dir.file("mqtk.db");
  std::string why;
  REQUIRE(sqlite_store::open(path, sync_mode::full, why));
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(user_version(path) == sqlite_store::schema_version);
}

TEST_CASE("files that are not ours, newer or not databases are refused by name", "[store]") {
  temp_dir dir;
  std::string why;
  const auto other = dir.file("other.db");
  sql(other, "CREATE TABLE notes(text TEXT)");
  CHECK_FALSE(sqlite_store::open(other, sync_mode::normal, why));
  CHECK_THAT(why, Catch::Contains(other) && Catch::Contains("not mqtk-broker's"));

  const auto newer = dir.file("newer.db");
  REQUIRE(sqlite_store::open(newer, sync_mode::normal, why));
  sql(newer, "PRAGMA user_version = 99");
  CHECK_FALSE(sqlite_store::open(newer, sync_mode::normal, why));
  CHECK_THAT(why, Catch::Contains(newer) && Catch::Contains("newer mqtk-broker"));

  const auto text = dir.file("text.db");
  std::ofstream(text) << "persistence true\nthis is a configuration file, not a database\n";
  CHECK_FALSE(sqlite_store::open(text, sync_mode::normal, why));
  CHECK_THAT(why, Catch::Contains(text));
}

// Torn writes: a store cut short or overwritten anywhere either opens and loads (SQLite's own
// recovery) into a core whose invariants hold, or is refused with its name; it never crashes.
// (SQLite keeps no page checksums: bytes overwritten inside a payload load as they are.)
TEST_CASE("a damaged store loads or is refused, never crashes", "[store]") {
  temp_dir dir;
  const auto good = dir.file("good.db");
  {
    std::mt19937 rng(7);
    world a;
    const auto db = saved_history(good, a, rng, 300);
    sql(good, "PRAGMA wal_checkpoint(TRUNCATE)");
  }
  const auto size = fs::file_size(good);
  std::mt19937 rng(11);
  int refused = 0, loaded = 0;
  for (int round = 0; round < 40; ++round) {
    const auto path = dir.file(("torn" + std::to_string(round) + ".db").c_str());
    fs::copy_file(good, path, fs::copy_options::overwrite_existing);
    const auto at = rng() % size;
    if (round % 2 == 0) {
      fs::resize_file(path, at);
    } else {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(at));
      for (int k = 0; k < 64; ++k)
        f.put(static_cast<char>(rng()));
    }
    std::string why;
    std::vector<journal_record> records;
    auto db = sqlite_store::open(path, sync_mode::normal, why);
    if (db && db->load(records, why)) {
      ++loaded;
      broker_core core(journaled());
      core.restore(records, {});
      CHECK(core.check_invariants().empty());
    } else {
      ++refused;
      CHECK_THAT(why, Catch::Contains(path));
    }
  }
  CHECK(refused + loaded == 40);
  CHECK(refused > 0); // both outcomes happen with these seeds: neither path goes untested
  CHECK(loaded > 0);
}

// Found by the fuzz_store target: a queue row's subscription identifiers are text in the file,
// and a loader that parsed them with std::stoul threw on damage and killed the broker.
TEST_CASE("queued rows with subscription identifiers that do not read are refused by name",
          "[store]") {
  temp_dir dir;
  for (const char* bad : {"x", "1,", ",2", "1,,2", "0", "268435456", "99999999999", "7 "}) {
    const auto path = dir.file("ids.db");
    fs::remove(path);
    std::string why;
    REQUIRE(sqlite_store::open(path, sync_mode::normal, why));
    sql(path, (std::string("INSERT INTO messages VALUES(1, 't', x'41', 1, 0, NULL);"
                           "INSERT INTO sessions VALUES('c', NULL, 60, 5, 0, NULL, 0);"
                           "INSERT INTO queue(client_id, message_id, qos, retain, "
                           "subscription_ids) VALUES('c', 1, 1, 0, '") +
               bad + "');")
                  .c_str());
    auto db = sqlite_store::open(path, sync_mode::normal, why);
    REQUIRE(db);
    std::vector<journal_record> records;
    INFO("subscription_ids '" << bad << "'");
    CHECK_FALSE(db->load(records, why));
    CHECK_THAT(why, Catch::Contains(path) && Catch::Contains("subscription identifiers"));
  }
  // What the store writes reads back.
  const auto path = dir.file("good-ids.db");
  std::string why;
  REQUIRE(sqlite_store::open(path, sync_mode::normal, why));
  sql(path, "INSERT INTO messages VALUES(1, 't', x'41', 1, 0, NULL);"
            "INSERT INTO sessions VALUES('c', NULL, 60, 5, 0, NULL, 0);"
            "INSERT INTO queue(client_id, message_id, qos, retain, subscription_ids) "
            "VALUES('c', 1, 1, 0, '1,268435455');");
  auto db = sqlite_store::open(path, sync_mode::normal, why);
  std::vector<journal_record> records;
  REQUIRE(db->load(records, why));
  bool found = false;
  for (const auto& r : records)
    if (const auto* q = std::get_if<journal::message_queued>(&r))
      found = q->subscription_ids == std::vector<std::uint32_t>{1, 268435455};
  CHECK(found);
}

TEST_CASE("a store that cannot be written refuses the batch and keeps what it had", "[store]") {
  temp_dir dir;
  const auto path = dir.file("mqtk.db");
  std::string why;
  std::mt19937 rng(3);
  world a;
  const auto db = saved_history(path, a, rng, 200);
  std::vector<journal_record> before;
  REQUIRE(db->load(before, why));
  const auto saved = a.records.size();
  run_history(a, rng, 50);
  const std::vector<journal_record> more(a.records.begin() + static_cast<long>(saved),
                                         a.records.end());
  REQUIRE_FALSE(more.empty());
  {
    // The disk is full where the log file ends (a file size limit fails the write as ENOSPC
    // would): this batch is refused, and nothing of it lands.
    const auto log_size = fs::file_size(path + "-log");
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit old_limit{};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
    rlimit full = old_limit;
    full.rlim_cur = log_size + 8; // room for part of a frame's header, not the frame
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &full) == 0);
    const bool refused = !db->save(more, why);
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &old_limit) == 0);
    std::signal(SIGXFSZ, old_handler);
    CHECK(refused);
    CHECK_THAT(why, Catch::Contains(path + "-log") && Catch::Contains("cannot write"));
    CHECK(fs::file_size(path + "-log") == log_size); // the part written is cut off again
  }
  std::vector<journal_record> after;
  REQUIRE(db->load(after, why));
  CHECK(after.size() == before.size());
  // With room again, the same batch is saved.
  CHECK(db->save(more, why));
}

TEST_CASE("the $SYS totals are saved and load back, the last batch's winning", "[store]") {
  temp_dir dir;
  const auto path = dir.file("mqtk.db");
  std::string why;
  auto db = sqlite_store::open(path, sync_mode::normal, why);
  REQUIRE(db);
  broker::stats t;
  t.messages_received = 7;
  t.bytes_sent = 1ull << 40;
  t.dropped[2] = 5;
  t.dropped.back() = 9;
  t.connections_total = 3;
  REQUIRE(db->save({broker::journal::counters{std::make_shared<const broker::stats>(t)}}, why));
  t.messages_received = 8;
  REQUIRE(db->save({broker::journal::counters{std::make_shared<const broker::stats>(t)}}, why));
  db.reset();
  auto again = sqlite_store::open(path, sync_mode::normal, why);
  REQUIRE(again);
  std::vector<journal_record> loaded;
  REQUIRE(again->load(loaded, why));
  REQUIRE(loaded.size() == 1);
  const auto& got = *std::get<broker::journal::counters>(loaded[0]).totals;
  CHECK(got.messages_received == 8);
  CHECK(got.bytes_sent == 1ull << 40);
  CHECK(got.dropped == t.dropped);
  CHECK(got.connections_total == 3);
  // Counts that do not read are left out: statistics are not worth refusing a start over.
  for (const char* bad : {"1,x", "1,,2", ",", "1,", "99999999999999999999999"}) {
    CAPTURE(bad);
    again.reset();
    sql(path, ("UPDATE counters SET dropped_by_reason = '" + std::string(bad) + "'").c_str());
    again = sqlite_store::open(path, sync_mode::normal, why);
    REQUIRE(again);
    loaded.clear();
    REQUIRE(again->load(loaded, why));
    CHECK(loaded.empty());
  }
  // A later build's extra reasons are dropped, fewer read with the rest 0.
  again.reset();
  sql(path, "UPDATE counters SET dropped_by_reason = '1,2,3,4,5,6,7,8,9,10,11,12'");
  again = sqlite_store::open(path, sync_mode::normal, why);
  loaded.clear();
  REQUIRE(again->load(loaded, why));
  REQUIRE(loaded.size() == 1);
  CHECK(std::get<broker::journal::counters>(loaded[0]).totals->dropped.back() == 10);
}

// A store written by the first released schema opens, is brought to the current one in place,
// and keeps what it held.
TEST_CASE("a schema 1 store migrates to the current schema with its data", "[store]") {
  temp_dir dir;
  const auto path = dir.file("old.db");
  sql(path, (std::string(store::detail::migrations[0]) +
             "PRAGMA user_version = 1;"
             "INSERT INTO sessions VALUES('old-client', NULL, 3600, 4, 0, NULL, 0);"
             "INSERT INTO messages VALUES(1, 'r/t', 'kept', 1, 1, NULL);"
             "INSERT INTO retained VALUES('r/t', 1, NULL);")
                .c_str());
  std::string why;
  auto db = sqlite_store::open(path, sync_mode::normal, why);
  REQUIRE(db);
  std::vector<journal_record> loaded;
  REQUIRE(db->load(loaded, why));
  CHECK(std::any_of(loaded.begin(), loaded.end(), [](const journal_record& r) {
    const auto* s = std::get_if<broker::journal::session_stored>(&r);
    return s && s->client_id == "old-client";
  }));
  CHECK(std::any_of(loaded.begin(), loaded.end(), [](const journal_record& r) {
    const auto* s = std::get_if<broker::journal::retained_set>(&r);
    return s && s->message->payload == "kept";
  }));
  CHECK(std::none_of(loaded.begin(), loaded.end(), [](const journal_record& r) {
    return std::holds_alternative<broker::journal::counters>(r);
  }));
  broker::stats t;
  t.messages_received = 1;
  CHECK(db->save({broker::journal::counters{std::make_shared<const broker::stats>(t)}},
                 why)); // the new table is there
  CHECK(user_version(path) == sqlite_store::schema_version);
}

// A schema 4 store, whose fan-out rows list their sessions inline, as does its log row (format
// 1), migrates with every copy in place.
TEST_CASE("a schema 4 store's fan-outs migrate to client lists", "[store]") {
  temp_dir dir;
  const auto path = dir.file("v4.db");
  std::string v4;
  for (int v = 0; v < 4; ++v)
    v4 += store::detail::migrations[v];
  v4 += "PRAGMA user_version = 4;"
        "INSERT INTO sessions VALUES('a', NULL, 3600, 5, 0, NULL, 0);"
        "INSERT INTO sessions VALUES('b', NULL, 3600, 5, 0, NULL, 0);"
        "INSERT INTO sessions VALUES('c', NULL, 3600, 5, 0, NULL, 0);"
        "INSERT INTO messages VALUES(1, 't', 'one', 1, 0, NULL);"
        "INSERT INTO messages VALUES(2, 't', 'two', 1, 0, NULL);"
        "INSERT INTO messages VALUES(3, 't', 'three', 1, 0, NULL);"
        "INSERT INTO fanout VALUES(1, 1, 1, 0, NULL, NULL, '[\"a\",\"b\",\"c\"]', 2);"
        "INSERT INTO fanout_taken VALUES(1, 'b');"
        "INSERT INTO fanout VALUES(2, 2, 1, 0, '4', NULL, '[\"a\",\"b\",\"c\"]', 3);"
        // message 3 to "c" then "a": format 1, message_fanout, clients inline
        "INSERT INTO log(records) VALUES(x'011303010000000201630161');";
  sql(path, v4.c_str());
  const auto copies = [](const std::vector<journal_record>& records) {
    std::vector<std::string> out; // "message id: client"
    for (const auto& r : records)
      if (const auto* f = std::get_if<broker::journal::message_fanout>(&r))
        for (const auto& c : *f->clients)
          out.push_back(std::to_string(f->id) + ":" + c);
    return out;
  };
  const std::vector<std::string> expected{"1:a", "1:c", "2:a", "2:b", "2:c", "3:c", "3:a"};
  std::string why;
  {
    auto db = sqlite_store::open(path, sync_mode::normal, why);
    REQUIRE(db);
    CHECK(user_version(path) == sqlite_store::schema_version);
    std::vector<journal_record> loaded;
    REQUIRE(db->load(loaded, why));
    CHECK(copies(loaded) == expected);
    const auto two = std::find_if(loaded.begin(), loaded.end(), [](const journal_record& r) {
      const auto* f = std::get_if<broker::journal::message_fanout>(&r);
      return f && f->id == 2;
    });
    REQUIRE(two != loaded.end());
    CHECK(std::get<broker::journal::message_fanout>(*two).subscription_ids ==
          std::vector<std::uint32_t>{4});
    REQUIRE(db->fold(why)); // the log's fan-out into the tables, with a list of its own
  }
  auto db = sqlite_store::open(path, sync_mode::normal, why);
  REQUIRE(db);
  std::vector<journal_record> loaded;
  REQUIRE(db->load(loaded, why));
  CHECK(copies(loaded) == expected);
}

// One store per file: while one has it, a second is refused by name (another broker on the same
// persistence file), and the sqlite3 library still reads it alongside; closed, it opens again.
TEST_CASE("a store's file is held by one store at a time", "[store]") {
  temp_dir dir;
  const auto path = dir.file("held.db");
  std::string why;
  CHECK_FALSE(sqlite_store::held_elsewhere(path, why)); // not there yet
  auto first = sqlite_store::open(path, sync_mode::normal, why);
  REQUIRE(first);
  REQUIRE(first->save(
      {broker::journal::session_stored{"s", std::nullopt, 60, codec::protocol_version::v5}}, why));
  CHECK(sqlite_store::held_elsewhere(path, why));
  CHECK_THAT(why, Catch::Contains(path) && Catch::Contains("in use by another broker"));
  why.clear();
  CHECK_FALSE(sqlite_store::open(path, sync_mode::normal, why));
  CHECK_THAT(why, Catch::Contains(path) && Catch::Contains("in use by another broker"));
  CHECK(first->save({broker::journal::session_closed{"s", std::nullopt}}, why));
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
  CHECK(sqlite3_exec(other, "SELECT count(*) FROM log", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(other);
  first.reset();
  CHECK_FALSE(sqlite_store::held_elsewhere(path, why));
  auto again = sqlite_store::open(path, sync_mode::normal, why);
  REQUIRE(again);
  std::vector<journal_record> loaded;
  REQUIRE(again->load(loaded, why));
  CHECK(std::any_of(loaded.begin(), loaded.end(), [](const journal_record& r) {
    return std::holds_alternative<broker::journal::session_stored>(r);
  }));
}
