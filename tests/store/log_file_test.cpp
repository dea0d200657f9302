// SPDX-License-Identifier: MIT
// The store's log file: frames as written, a torn end cut off, frames a fold already holds
// skipped at a restart.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "../../lib/store/src/log_file.hpp"
#include "store_testing.hpp"

using namespace mqtk;
using namespace mqtk::testing;
using store::sqlite_store;
using store::sync_mode;
using store::detail::log_file;
namespace fs = std::filesystem;

namespace {

struct frame {
  std::int64_t seq;
  std::string payload;
  bool operator==(const frame&) const = default;
};

std::vector<frame> read_all(log_file& f, std::size_t& dropped) {
  std::vector<frame> out;
  std::string why;
  REQUIRE(f.read(
      [&](std::int64_t seq, std::string_view p) {
        out.push_back({seq, std::string(p)});
        return true;
      },
      dropped, why));
  return out;
}

// Three frames, the last of `last` bytes; the file's size after each frame in `ends`.
std::vector<frame> write_three(const std::string& path, std::size_t last,
                               std::vector<std::size_t>& ends) {
  const std::vector<frame> frames{{1, "first"}, {2, ""}, {3, std::string(last, '\x7f')}};
  log_file f;
  std::string why;
  REQUIRE(f.open(path, why));
  for (const auto& fr : frames) {
    REQUIRE(f.append(fr.seq, fr.payload, false, why));
    ends.push_back(f.size());
  }
  return frames;
}

// Opens the damaged log at `path` and reads it: the first two of `frames` must come back, and
// the file must end after them; returns how much reading cut off.
std::size_t reads_first_two(const std::string& path, const std::vector<frame>& frames) {
  log_file f;
  std::string why;
  REQUIRE(f.open(path, why));
  std::size_t dropped = 0;
  CHECK(read_all(f, dropped) == std::vector<frame>(frames.begin(), frames.begin() + 2));
  CHECK(f.size() == std::filesystem::file_size(path));
  return dropped;
}

} // namespace

TEST_CASE("log frames: CRC-32C is Castagnoli's", "[store][log_file]") {
  CHECK(store::detail::crc32c("123456789") == 0xE3069283u); // the algorithm's check value
  CHECK(store::detail::crc32c("") == 0);
  CHECK(store::detail::crc32c("6789", store::detail::crc32c("12345")) == 0xE3069283u);
}

TEST_CASE("log frames read back as written, and the file reopens where it ended",
          "[store][log_file]") {
  temp_dir dir;
  const auto path = dir.file("a.db-log");
  std::vector<std::size_t> ends;
  const auto frames = write_three(path, 300, ends);
  CHECK(ends.back() == fs::file_size(path));
  CHECK(ends[0] == log_file::header_size + 5);
  log_file again;
  std::string why;
  REQUIRE(again.open(path, why));
  std::size_t dropped = 1;
  CHECK(read_all(again, dropped) == frames);
  CHECK(dropped == 0);
  REQUIRE(again.append(4, "more", false, why));
  std::vector<frame> four = frames;
  four.push_back({4, "more"});
  CHECK(read_all(again, dropped) == four);
  REQUIRE(again.clear(why));
  CHECK(fs::file_size(path) == 0);
  CHECK(read_all(again, dropped).empty());
}

// A kill inside a write leaves its frame cut at any byte: the frames before it read, the cut one
// is cut off the file, and the next append follows the last whole frame.
TEST_CASE("log frames: a frame cut at any byte is cut off, the ones before it read",
          "[store][log_file]") {
  temp_dir dir;
  const auto whole = dir.file("whole.db-log");
  std::vector<std::size_t> ends;
  const auto frames = write_three(whole, 40, ends);
  for (std::size_t cut = ends[1]; cut < ends[2]; ++cut) {
    const auto path = dir.file("cut.db-log");
    fs::copy_file(whole, path, fs::copy_options::overwrite_existing);
    fs::resize_file(path, cut);
    INFO("cut at " << cut);
    CHECK(reads_first_two(path, frames) == cut - ends[1]);
    CHECK(fs::file_size(path) == ends[1]);
    log_file f;
    std::string why;
    REQUIRE(f.open(path, why));
    REQUIRE(f.append(3, "again", false, why));
    std::size_t dropped = 0;
    CHECK(read_all(f, dropped).back() == frame{3, "again"});
  }
}

// A changed byte anywhere in the last frame (its header, length included, or its payload)
// fails a checksum: it ends the log there, as a power loss's half-written frame would, and
// never reads as a different batch.
TEST_CASE("log frames: a changed byte in the last frame ends the log there", "[store][log_file]") {
  temp_dir dir;
  const auto whole = dir.file("whole.db-log");
  std::vector<std::size_t> ends;
  const auto frames = write_three(whole, 24, ends);
  for (std::size_t at = ends[1]; at < ends[2]; ++at) {
    const auto path = dir.file("flipped.db-log");
    fs::copy_file(whole, path, fs::copy_options::overwrite_existing);
    {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(static_cast<std::streamoff>(at));
      const char was = static_cast<char>(f.get());
      f.seekp(static_cast<std::streamoff>(at));
      f.put(static_cast<char>(was ^ 0x10));
    }
    INFO("byte " << at);
    CHECK(reads_first_two(path, frames) == ends[2] - ends[1]);
  }
}

// A frame with frames after it was whole once: a changed byte anywhere in it (its length
// included: the header's checksum tells a wrong length from a frame not all written) is damage,
// and the log is refused rather than cut there.
TEST_CASE("log frames: a changed byte before the last frame is damage, refused",
          "[store][log_file]") {
  temp_dir dir;
  const auto whole = dir.file("whole.db-log");
  std::vector<std::size_t> ends;
  write_three(whole, 24, ends);
  for (std::size_t at = 0; at < ends[0]; ++at) {
    const auto path = dir.file("flipped.db-log");
    fs::copy_file(whole, path, fs::copy_options::overwrite_existing);
    {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(at));
      f.put('\xA5');
    }
    log_file f;
    std::string why;
    REQUIRE(f.open(path, why));
    std::size_t dropped = 0;
    INFO("byte " << at);
    CHECK_FALSE(f.read([](std::int64_t, std::string_view) { return true; }, dropped, why));
    CHECK_THAT(why, Catch::Contains(path) && Catch::Contains("fails its checksum"));
    CHECK(fs::file_size(path) == ends[2]); // nothing cut
  }
}

// A broker killed with a batch half written: its store loads what was written before (the cut
// frame was never acknowledged), says what it cut off, and the restored core is sound.
TEST_CASE("a store whose log a kill cut anywhere loads the batches before the cut",
          "[store][log_file]") {
  temp_dir dir;
  const auto path = dir.file("s.db");
  std::string why;
  auto db = sqlite_store::open(path, sync_mode::normal, why);
  REQUIRE(db);
  db->set_fold_bytes(std::size_t{1} << 30);
  std::mt19937 rng(5);
  world a;
  save_each(*db, a, rng, 150);
  const auto size = fs::file_size(path + "-log");
  REQUIRE(size > 0);
  std::vector<std::size_t> ends; // where each frame of the log ends
  {
    log_file f;
    REQUIRE(f.open(path + "-log", why));
    std::size_t dropped = 0;
    for (const auto& fr : read_all(f, dropped))
      ends.push_back((ends.empty() ? 0 : ends.back()) + log_file::header_size + fr.payload.size());
    REQUIRE(ends.back() == size);
  }
  std::mt19937 cuts(9);
  for (int round = 0; round < 30; ++round) {
    const auto copy = dir.file("c" + std::to_string(round) + ".db");
    for (const char* suffix : {"", "-wal", "-log"})
      if (fs::exists(path + suffix)) fs::copy_file(path + suffix, copy + suffix);
    const auto cut = round == 0 ? size - 1 : cuts() % size;
    fs::resize_file(copy + "-log", cut);
    INFO("log cut at " << cut << " of " << size);
    auto restarted = sqlite_store::open(copy, sync_mode::normal, why);
    REQUIRE(restarted);
    const auto told = restarted->take_fold_trouble();
    CHECK(fs::file_size(copy + "-log") <= cut);
    if (fs::file_size(copy + "-log") < cut) {
      REQUIRE(told);
      CHECK_THAT(*told, Catch::Contains(copy + "-log") && Catch::Contains("cut off the end"));
    }
    // Exactly the frames whole below the cut are left, no fewer.
    const auto whole =
        static_cast<std::size_t>(std::upper_bound(ends.begin(), ends.end(), cut) - ends.begin());
    CHECK(fs::file_size(copy + "-log") == (whole == 0 ? 0 : ends[whole - 1]));
    std::vector<journal_record> loaded;
    REQUIRE(restarted->load(loaded, why));
    broker::broker_core core(journaled());
    core.restore(loaded, {});
    CHECK(core.check_invariants().empty());
  }
}

// A fold commits, and the broker is killed before it empties the log file: the frames left are
// ones the tables hold, and a restart must not apply them a second time.
TEST_CASE("frames a fold already holds are skipped at the next start", "[store][log_file]") {
  temp_dir dir;
  const auto path = dir.file("s.db");
  std::string why;
  std::mt19937 rng(12);
  world a;
  {
    auto db = sqlite_store::open(path, sync_mode::normal, why);
    REQUIRE(db);
    db->set_fold_bytes(std::size_t{1} << 30);
    save_each(*db, a, rng, 200);
    fs::copy_file(path + "-log", dir.file("stale"));
    REQUIRE(db->fold(why));
    CHECK(fs::file_size(path + "-log") == 0);
  }
  fs::copy_file(dir.file("stale"), path + "-log", fs::copy_options::overwrite_existing);
  require_restores(path, a, rng, 500);
}

// A frame whose checksum holds but whose batch does not decode was written by something else (a
// newer broker, say): the start is refused naming it, not skipped past.
TEST_CASE("a log batch that does not decode refuses the start by name", "[store][log_file]") {
  temp_dir dir;
  const auto path = dir.file("s.db");
  std::string why;
  REQUIRE(sqlite_store::open(path, sync_mode::normal, why)); // made, and closed
  {
    log_file f;
    REQUIRE(f.open(path + "-log", why));
    REQUIRE(f.append(1000, "\x02\x06", false, why));
  }
  auto db = sqlite_store::open(path, sync_mode::normal, why);
  REQUIRE(db);
  std::vector<journal_record> loaded;
  CHECK_FALSE(db->load(loaded, why));
  CHECK_THAT(why, Catch::Contains(path + "-log") && Catch::Contains("batch 1000") &&
                      Catch::Contains("does not decode"));
}

// The database moved aside to start empty, its log left behind: those batches are another
// database's, and replaying them into the new one is refused.
TEST_CASE("a log left beside a new database is refused by name", "[store][log_file]") {
  temp_dir dir;
  const auto path = dir.file("s.db");
  std::string why;
  {
    auto db = sqlite_store::open(path, sync_mode::normal, why);
    REQUIRE(db);
    std::mt19937 rng(3);
    world a;
    db->set_fold_bytes(std::size_t{1} << 30);
    save_each(*db, a, rng, 20);
    for (const char* suffix : {"", "-wal", "-log"})
      if (fs::exists(path + suffix)) fs::copy_file(path + suffix, dir.file("killed") + suffix);
  }
  fs::rename(dir.file("killed-log"), path + "-log");
  fs::remove(path);
  fs::remove(path + "-wal");
  CHECK_FALSE(sqlite_store::open(path, sync_mode::normal, why));
  CHECK_THAT(why, Catch::Contains(path + "-log") && Catch::Contains("is new"));
  fs::remove(path + "-log");
  CHECK(sqlite_store::open(path, sync_mode::normal, why));
}
