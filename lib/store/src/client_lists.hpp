// SPDX-License-Identifier: MIT
// Internal: the fan-outs' client lists, each stored once and referred to by id.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace mqtk::store::detail {

using client_list = std::shared_ptr<const std::vector<std::string>>;

/// Design: a stream to the same offline subscribers lists the same clients in every fan-out; as
/// a row of `client_lists` named by its id in the log and in `fanout` rows, a message to 100 of
/// them costs its row a number instead of 100 client ids. This is the id <-> list table in
/// memory: the lists of the table, and the ones given ids since the store last wrote the table.
class client_lists {
public:
  struct entry {
    std::int64_t id = 0;
    bool repeats = false; ///< a client is listed twice (two copies, from two subscriptions)
  };
  /// The id of the list equal to `list`, giving `list` a new one when none is (then it is
  /// fresh until take_fresh()).
  entry intern(const client_list& list);
  /// The list with `id`; null when none has it.
  client_list find(std::int64_t id) const;
  /// A list the table holds already.
  void add(std::int64_t id, client_list list);
  /// The ids given since the last call, whose rows are to be written.
  std::vector<std::int64_t> take_fresh();
  bool has_fresh() const { return !fresh_.empty(); }
  /// Forgets `id`: its row was deleted, or never committed.
  void forget(std::int64_t id);
  std::size_t size() const { return by_id_.size(); }
  /// The list's ids, in no order.
  std::vector<std::int64_t> ids() const;

private:
  struct known {
    client_list list;
    std::size_t hash = 0;
    bool repeats = false;
  };
  std::unordered_map<std::int64_t, known> by_id_;
  std::unordered_multimap<std::size_t, std::int64_t> by_hash_;
  // The lists last asked for, by address (held, so that an address is never reused while
  // here): the core shares one list between the fan-outs of a stream, and an address compares
  // faster than a hundred client ids.
  std::array<std::pair<client_list, std::int64_t>, 4> recent_;
  std::size_t next_recent_ = 0;
  std::int64_t next_id_ = 1;
  std::vector<std::int64_t> fresh_;
};

/// The clients as a JSON array, which the sqlite3 shell lists with json_each.
std::string json_array(const std::vector<std::string>& clients);

} // namespace mqtk::store::detail
