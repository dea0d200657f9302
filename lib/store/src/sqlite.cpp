// SPDX-License-Identifier: MIT
// Prepared statements and plain execution over the SQLite C API.
#include "sqlite.hpp"

namespace mqtk::store::detail {

statement::statement(sqlite3* db, std::string_view sql) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &s_, nullptr) != SQLITE_OK)
    s_ = nullptr;
}

statement& statement::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}

statement& statement::bind(int i, std::string_view text) {
  sqlite3_bind_text(s_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

statement& statement::bind_blob(int i, std::string_view bytes) {
  // A zero-length blob, not NULL: an empty payload is a payload.
  sqlite3_bind_blob(s_, i, bytes.empty() ? "" : bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

statement& statement::bind(int i, std::optional<std::int64_t> v) {
  if (v) return bind(i, *v);
  sqlite3_bind_null(s_, i);
  return *this;
}

statement& statement::bind(int i, const std::optional<std::string>& text) {
  if (text) return bind(i, std::string_view(*text));
  sqlite3_bind_null(s_, i);
  return *this;
}

statement& statement::bind_blob(int i, const std::optional<std::string>& bytes) {
  if (bytes) return bind_blob(i, std::string_view(*bytes));
  sqlite3_bind_null(s_, i);
  return *this;
}

bool statement::run() {
  const int rc = step();
  reset();
  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

std::string statement::text(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(s_, col));
  const int n = sqlite3_column_bytes(s_, col);
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

bool exec(sqlite3* db, const char* sql, std::string& why) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) == SQLITE_OK) return true;
  why = err ? err : sqlite3_errmsg(db);
  sqlite3_free(err);
  return false;
}

} // namespace mqtk::store::detail
