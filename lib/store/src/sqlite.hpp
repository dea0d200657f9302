// SPDX-License-Identifier: MIT
// Internal: the few SQLite calls the store makes, with ownership and error text.
#pragma once

#include <cstdint>
#include <optional>
#include <sqlite3.h>
#include <string>
#include <string_view>
#include <utility>

namespace mqtk::store::detail {

/// A prepared statement, reset after each use. Binding indexes start at 1, columns at 0.
class statement {
public:
  statement() = default;
  statement(sqlite3* db, std::string_view sql);
  ~statement() { sqlite3_finalize(s_); }
  statement(statement&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  statement& operator=(statement&& o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  bool ok() const noexcept { return s_ != nullptr; }

  statement& bind(int i, std::int64_t v);
  statement& bind(int i, std::string_view text);
  statement& bind_blob(int i, std::string_view bytes);
  statement& bind(int i, std::optional<std::int64_t> v);
  statement& bind(int i, const std::optional<std::string>& text);
  statement& bind_blob(int i, const std::optional<std::string>& bytes);
  /// SQLITE_ROW, SQLITE_DONE, or an error code.
  int step() { return sqlite3_step(s_); }
  /// Runs a statement that returns no rows; false on error (the statement is reset either way).
  bool run();
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

  std::int64_t integer(int col) const { return sqlite3_column_int64(s_, col); }
  bool null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::optional<std::int64_t> maybe(int col) const {
    return null(col) ? std::nullopt : std::optional<std::int64_t>(integer(col));
  }
  std::string text(int col) const;
  /// The column's bytes, valid until the next step or reset.
  std::string_view bytes(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(s_, col));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col)))
             : std::string_view();
  }

private:
  sqlite3_stmt* s_ = nullptr;
};

/// Runs `sql` (several statements allowed); false with `why` set on error.
bool exec(sqlite3* db, const char* sql, std::string& why);

} // namespace mqtk::store::detail
