// SPDX-License-Identifier: MIT
// The client_lists table's rows: read at open, written with what first names them, deleted when
// no fan-out names them.
#include <algorithm>

#include "store_impl.hpp"

namespace mqtk::store {

using impl = sqlite_store::impl;

bool impl::read_lists(std::string& why) {
  // json_each reads the arrays, so a list the shell wrote reads as one the broker wrote.
  // (A left join: an empty list, which a hand-edited file may hold, is a list too, and its id
  // is taken.)
  detail::statement s(db, "SELECT l.id, j.value FROM client_lists l LEFT JOIN "
                          "json_each(l.clients) j ORDER BY l.id, j.key");
  std::int64_t id = 0;
  std::vector<std::string> clients;
  const auto add = [&] {
    if (id != 0) lists.add(id, std::make_shared<const std::vector<std::string>>(clients));
  };
  int rc = s.ok() ? SQLITE_ROW : SQLITE_ERROR;
  while (s.ok() && (rc = s.step()) == SQLITE_ROW) {
    if (s.integer(0) != id) {
      add();
      id = s.integer(0);
      clients.clear();
    }
    if (!s.null(1)) clients.push_back(s.text(1));
  }
  if (rc != SQLITE_DONE) return fail(why);
  add();
  collect_lists_at = std::max(collect_lists_at, lists.size() * 2);
  return true;
}

bool impl::write_fresh_lists(std::vector<std::int64_t>& written) {
  const auto fresh = lists.take_fresh();
  // All of them, before the first insert: if one fails, the transaction is rolled back and the
  // caller forgets every one, so none is left known without its row.
  written.insert(written.end(), fresh.begin(), fresh.end());
  for (const auto id : fresh)
    if (!put_list.bind(1, id).bind(2, std::string_view(detail::json_array(*lists.find(id)))).run())
      return false;
  return true;
}

bool impl::drop_unused_lists(std::vector<std::int64_t>& dropped) {
  if (lists.size() < collect_lists_at) return true;
  int rc;
  while ((rc = unused_lists.step()) == SQLITE_ROW)
    dropped.push_back(unused_lists.integer(0));
  unused_lists.reset();
  // Not again until the lists have doubled: a collection scans every fan-out row.
  collect_lists_at = std::max<std::size_t>(16, (lists.size() - dropped.size()) * 2);
  return rc == SQLITE_DONE;
}

} // namespace mqtk::store
