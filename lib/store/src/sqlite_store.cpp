// SPDX-License-Identifier: MIT
// Opening the database: creation, checks, migrations.
#include "mqtk/store/sqlite_store.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "message_blob.hpp"
#include "schema.hpp"
#include "store_impl.hpp"

namespace mqtk::store {

using detail::statement;
namespace journal = broker::journal;

namespace {

// The files this process's stores hold. A second store on one of them is refused before a
// descriptor of the file is opened: closing it would drop the first store's SQLite (fcntl)
// locks on the file, which belong to the process, not to a descriptor.
std::mutex owned_mutex;
std::set<std::pair<dev_t, ino_t>> owned;

const char* const in_use = "in use by another broker (is another mqtk-broker running with this "
                           "persistence file?); one broker per file";

// Design: one broker per file. Two on one file would each fold log rows into tables whose state
// only one of them knows, and lose what the other acknowledged. The lock is flock(2), which
// SQLite's own fcntl locks do not see, so the sqlite3 shell still reads the file alongside.
bool open_owned(const std::string& path, file_owner& o, std::string& why) {
  std::lock_guard lock(owned_mutex);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && owned.contains({st.st_dev, st.st_ino})) {
    why = path + ": " + in_use;
    return false;
  }
  // Sessions and messages are the users' data: readable by the broker's user only. SQLite gives
  // its -wal and -shm files the database file's mode.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || ::fstat(fd, &st) != 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    if (fd >= 0) ::close(fd); // no store of this process has the file (above)
    why = path + ": " + (e == EWOULDBLOCK ? std::string(in_use) : std::string(std::strerror(e)));
    return false;
  }
  o.fd = fd;
  o.dev = st.st_dev;
  o.ino = st.st_ino;
  owned.insert({o.dev, o.ino});
  return true;
}

// The schema version, 0 for a new empty file; -1 (and `why`) when the file is not ours.
int version_of(sqlite3* db, const std::string& path, std::string& why) {
  statement tables(db, "SELECT count(*) FROM sqlite_schema");
  if (!tables.ok() || tables.step() != SQLITE_ROW) {
    why = path + ": not a database mqtk-broker can read (" + sqlite3_errmsg(db) + ")";
    return -1;
  }
  if (tables.integer(0) == 0) return 0;
  statement meta(db, "SELECT value FROM meta WHERE key = 'application'");
  if (!meta.ok() || meta.step() != SQLITE_ROW || meta.text(0) != "mqtk-broker") {
    why = path + ": an SQLite database, but not mqtk-broker's; give another persistence_file";
    return -1;
  }
  statement v(db, "PRAGMA user_version");
  return v.ok() && v.step() == SQLITE_ROW ? static_cast<int>(v.integer(0)) : -1;
}

bool migrate(sqlite3* db, int from, const std::string& path, std::string& why) {
  constexpr int known = static_cast<int>(std::size(detail::migrations));
  static_assert(known == sqlite_store::schema_version);
  if (from > known) {
    why = path + ": written by a newer mqtk-broker (schema " + std::to_string(from) +
          ", this one knows up to " + std::to_string(known) + ")";
    return false;
  }
  for (int v = from; v < known; ++v) {
    std::string sql = "BEGIN IMMEDIATE;";
    sql += detail::migrations[v];
    sql += "PRAGMA user_version = " + std::to_string(v + 1) + "; COMMIT;";
    if (!detail::exec(db, sql.c_str(), why)) {
      why = path + ": cannot update the schema to version " + std::to_string(v + 1) + ": " + why;
      std::string ignored; // (no transaction to roll back if BEGIN itself failed)
      detail::exec(db, "ROLLBACK", ignored);
      return false;
    }
  }
  return true;
}

bool healthy(sqlite3* db, const std::string& path, std::string& why) {
  statement check(db, "PRAGMA quick_check");
  if (check.ok() && check.step() == SQLITE_ROW && check.text(0) == "ok") return true;
  why = path + ": damaged beyond SQLite's recovery (" +
        (check.ok() ? check.text(0) : std::string(sqlite3_errmsg(db))) +
        "); mqtk-broker will not start over it: move it (with its -wal and -log files) aside to "
        "start empty";
  return false;
}

// A log file beside a new database holds batches of another one (moved aside, or deleted):
// replayed into this one they would be nonsense.
bool log_belongs(const std::string& path, int version, std::string& why) {
  struct stat st {};
  if (version != 0 || ::stat((path + "-log").c_str(), &st) != 0 || st.st_size == 0) return true;
  why = path + "-log: holds batches, but " + path +
        " is new: they belong to a database that was moved aside or deleted; move the log "
        "aside too";
  return false;
}

} // namespace

std::unique_ptr<sqlite_store> sqlite_store::open(const std::string& path, sync_mode mode,
                                                 std::string& why) {
  // SQLite's memory statistics take a global mutex on every allocation, and nothing reads them.
  // (Before SQLite's first use only: later it refuses, and the statistics stay on.)
  static const int no_statistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)no_statistics;
  auto i = std::make_unique<impl>();
  i->path = path;
  i->full_sync = mode == sync_mode::full;
  if (!open_owned(path, i->owner, why)) return nullptr;
  if (sqlite3_open_v2(path.c_str(), &i->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    why = path + ": " + sqlite3_errmsg(i->db);
    return nullptr;
  }
  sqlite3_extended_result_codes(i->db, 1);
  const int version = version_of(i->db, path, why);
  if (version < 0 || !healthy(i->db, path, why) || !log_belongs(path, version, why)) return nullptr;
  // A checkpoint copies the WAL's pages into the database (and, at synchronous=NORMAL, is the
  // only fsync): every 10,000 pages (about 40 MB of WAL) instead of SQLite's 1,000, the pages a
  // busy queue rewrites are copied once per checkpoint rather than ten times.
  const char* pragmas =
      mode == sync_mode::full
          ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=10000;"
          : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=10000;";
  if (!detail::exec(i->db, pragmas, why)) {
    why = path + ": " + why;
    return nullptr;
  }
  if (!migrate(i->db, version, path, why) || !i->prepare(why) ||
      !i->log_frames.open(path + "-log", why) || !i->measure_log(why) || !i->read_lists(why))
    return nullptr;
  return std::unique_ptr<sqlite_store>(new sqlite_store(std::move(i)));
}

// A shared lock only, so that two brokers probing at once do not refuse each other; the
// descriptor is closed at once, and no store of this process has the file (checked first), so
// the close drops no SQLite lock.
bool sqlite_store::held_elsewhere(const std::string& path, std::string& why) {
  std::lock_guard lock(owned_mutex);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false; // not there: nobody holds it
  bool held = owned.contains({st.st_dev, st.st_ino});
  if (!held) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false; // open() will say why
    held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
  }
  if (held) why = path + ": " + in_use;
  return held;
}

file_owner::~file_owner() {
  if (fd < 0) return;
  std::lock_guard lock(owned_mutex);
  owned.erase({dev, ino});
  ::close(fd);
}

sqlite_store::sqlite_store(std::unique_ptr<impl> i) : impl_(std::move(i)) {}

// A clean stop leaves the tables current, for a person with the sqlite3 shell; when the fold
// fails the log keeps everything and the next start reads it.
sqlite_store::~sqlite_store() {
  std::string ignored;
  if (impl_->log_bytes > 0) impl_->fold(ignored);
}

} // namespace mqtk::store
