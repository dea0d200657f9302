// SPDX-License-Identifier: MIT
// libFuzzer target for the persistence loader: rows the input makes up (any column any type,
// NULLs, dangling references, out-of-range QoS, states and ids) are written into a fresh
// mqtk-broker database with SQLite itself (the log's batches too), as a damaged or hand-edited file
// would hold them; then sqlite_store loads the file and a new broker_core restores from the
// records. Oracle: no crash, leak, UB or hang; a load that succeeds restores a core whose
// invariants hold and that then takes a client resuming one of the sessions.
#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include "mqtk/broker/broker_core.hpp"
#include "mqtk/codec/encoder.hpp"
#include "mqtk/store/sqlite_store.hpp"

using namespace mqtk;

namespace {

[[noreturn]] void fail() {
  std::abort();
}

void check(const broker::broker_core& core) {
  const auto broken = core.check_invariants();
  if (broken.empty()) return;
  std::fputs(broken.c_str(), stderr);
  std::abort();
}

struct table {
  const char* name;
  int columns;
};
constexpr table tables[] = {{"messages", 6},  {"sessions", 7}, {"subscriptions", 7}, {"queue", 9},
                            {"inbound", 2},   {"retained", 3}, {"wills", 7},         {"meta", 2},
                            {"counters", 10}, {"log", 2}};
const char* const names[] = {"a", "b", "", "c/d"}; // client ids and topics that meet again

struct input {
  const std::uint8_t* p;
  std::size_t n;
  std::uint8_t byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
};

void bind_value(sqlite3_stmt* st, int col, input& in) {
  switch (in.byte() % 6) {
  case 0:
    sqlite3_bind_null(st, col);
    break;
  case 1: { // any 64-bit integer
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v = v << 8 | in.byte();
    sqlite3_bind_int64(st, col, static_cast<sqlite3_int64>(v));
    break;
  }
  case 2: // small integers: QoS, states, flags, ids that refer to each other
    sqlite3_bind_int(st, col, in.byte() % 5);
    break;
  case 3:
    sqlite3_bind_text(st, col, names[in.byte() % 4], -1, SQLITE_STATIC);
    break;
  default: { // text or blob of the input's bytes
    const bool blob = in.byte() & 1;
    const std::size_t len = std::min<std::size_t>(in.byte() % 64, in.n);
    if (blob)
      sqlite3_bind_blob(st, col, in.p, static_cast<int>(len), SQLITE_TRANSIENT);
    else
      sqlite3_bind_text(st, col, reinterpret_cast<const char*>(in.p), static_cast<int>(len),
                        SQLITE_TRANSIENT);
    in.p += len;
    in.n -= len;
  }
  }
}

void write_rows(const std::string& path, input in) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) fail();
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  for (int rows = 0; in.n > 0 && rows < 64; ++rows) {
    const auto& t = tables[in.byte() % std::size(tables)];
    std::string sql = std::string("INSERT OR REPLACE INTO ") + t.name + " VALUES(?";
    for (int i = 1; i < t.columns; ++i)
      sql += ",?";
    sql += ")";
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) fail();
    for (int c = 1; c <= t.columns; ++c)
      bind_value(st, c, in);
    sqlite3_step(st); // constraint failures are fine: that row is not there
    sqlite3_finalize(st);
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(db);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/dev/shm/mqtk-fuzz-store-" + std::to_string(::getpid());
  for (const char* suffix : {"", "-wal", "-shm", "-log"})
    ::unlink((path + suffix).c_str());
  std::string why;
  if (!store::sqlite_store::open(path, store::sync_mode::normal, why)) fail(); // a new file
  write_rows(path, input{data, size});
  auto s = store::sqlite_store::open(path, store::sync_mode::normal, why);
  if (!s) return 0; // refused by name: fine (meta rows can make it not ours)
  std::vector<broker::journal_record> records;
  if (!s->load(records, why)) return 0;
  // The fold applies whatever the log said to the tables; what it leaves must load again.
  if (s->fold(why)) {
    records.clear();
    if (!s->load(records, why)) return 0;
  }
  broker::config cfg;
  cfg.journal = true;
  cfg.sys_interval = {};
  broker::broker_core core(cfg);
  const session::time_point now{std::chrono::hours(1)};
  core.restore(records, now);
  check(core);
  for (const char* id : names) { // resume each session there may be
    const auto c = core.on_accept(now);
    if (!c) fail();
    codec::connect p;
    p.client_id = id;
    p.clean_start = false;
    p.props.session_expiry_interval = 60;
    buffer b;
    (void)codec::encode(codec::packet{p}, codec::protocol_version::v5, b); // a valid CONNECT
    core.on_bytes(*c, b, now);
    core.on_tick(now + std::chrono::seconds(1));
    check(core);
    core.on_closed(*c, now + std::chrono::seconds(1));
  }
  return 0;
}
