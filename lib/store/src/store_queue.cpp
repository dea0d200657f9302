// SPDX-License-Identifier: MIT
// The sessions' queues as rows: one `queue` row per message a session holds on its own, and one
// `fanout` row for a message queued alike for several sessions, which each session takes out of
// (fanout_taken) when it sends or drops its copy.
#include <algorithm>
#include <bit>
#include <functional>
#include <sstream>

#include "message_blob.hpp"
#include "store_impl.hpp"

namespace mqtk::store {

namespace journal = broker::journal;
using detail::statement;
using impl = sqlite_store::impl;

namespace {

// "1,27,3", or none.
std::optional<std::string> ids_text(const std::vector<std::uint32_t>& ids) {
  if (ids.empty()) return std::nullopt;
  std::ostringstream s;
  for (std::size_t k = 0; k < ids.size(); ++k)
    s << (k ? "," : "") << ids[k];
  return s.str();
}

using queued_ref = impl::queued_ref;

// Binds a queued message's columns 1-6 (put_queued and put_sent).
statement& bind_queued(statement& s, const queued_ref& r) {
  return s.bind(1, std::string_view(*r.client))
      .bind(2, static_cast<std::int64_t>(r.id))
      .bind(3, std::int64_t{r.qos})
      .bind(4, std::int64_t{r.retain})
      .bind(5, ids_text(*r.subscription_ids))
      .bind(6, detail::to_ms(*r.expires_at));
}

bool same_delivery(const queued_ref& a, const queued_ref& b) {
  return a.id == b.id && a.qos == b.qos && a.retain == b.retain &&
         *a.subscription_ids == *b.subscription_ids && *a.expires_at == *b.expires_at;
}

} // namespace

// Design: a fan-out (one PUBLISH to many durable sessions) is journaled as a message_fanout
// (or consecutive message_queued records of one id); written as one row, a message to 100
// offline subscribers costs one insert instead of 100 inserts into a table with two indexes.
void impl::operator()(const journal::message_queued& r) {
  add_pending({&r.client_id, r.id, r.qos, r.retain, &r.subscription_ids, &r.expires_at});
}

// A fan-out none of whose copies the fold cancelled goes straight to its row, with its list as
// the journal shared it; the others go through `pending` copy by copy.
void impl::operator()(const journal::message_fanout& r) {
  if (fanout_skip == nullptr) {
    if (r.clients->empty()) return; // (only a damaged log lists nobody)
    const auto list = lists.intern(r.clients);
    if (!list.repeats) {
      flush_pending();
      return write_group(r.id, r.qos, r.retain, r.subscription_ids, r.expires_at, list.id,
                         r.clients->size());
    }
  }
  const auto& clients = *r.clients;
  for (std::size_t m = 0; m < clients.size(); ++m)
    if (fanout_skip == nullptr || !(*fanout_skip)[m])
      add_pending({&clients[m], r.id, r.qos, r.retain, &r.subscription_ids, &r.expires_at});
}

void impl::add_pending(const queued_ref& q) {
  if (!pending.empty() && !same_delivery(pending.front(), q)) flush_pending();
  pending.push_back(q);
}

void impl::write_group(broker::message_id id, std::uint8_t qos, bool retain,
                       const std::vector<std::uint32_t>& subscription_ids,
                       const std::optional<broker::wall_time>& expires_at, std::int64_t list,
                       std::size_t members) {
  // A list new to the table gets its row now: a send later in the window finds the fan-out's
  // members through it.
  if (lists.has_fresh() && !write_fresh_lists(fold_lists)) failed = true;
  run(put_group.bind(1, next_seq++)
          .bind(2, static_cast<std::int64_t>(id))
          .bind(3, std::int64_t{qos})
          .bind(4, std::int64_t{retain})
          .bind(5, ids_text(subscription_ids))
          .bind(6, detail::to_ms(expires_at))
          .bind(7, list)
          .bind(8, static_cast<std::int64_t>(members)));
}

void impl::write_pending(const std::vector<queued_ref>& group) {
  const auto& first = group.front();
  if (group.size() == 1) return run(bind_queued(put_queued, first).bind(7, next_seq++));
  auto clients = std::make_shared<std::vector<std::string>>();
  clients->reserve(group.size());
  for (const auto& m : group)
    clients->push_back(*m.client);
  write_group(first.id, first.qos, first.retain, *first.subscription_ids, *first.expires_at,
              lists.intern(clients).id, group.size());
}

// A session listed twice (two copies, from two subscriptions) holds its copies at two positions:
// each client's k-th copy goes to the k-th row, and the rows follow one another in the order.
void impl::flush_pending() {
  if (pending.size() <= 1) {
    if (!pending.empty()) write_pending(pending);
    return pending.clear();
  }
  // Which copy of its client each entry is, with an open-addressing table of positions: a sort
  // of the client ids cost a fan-out to 100 sessions more than writing its row.
  const std::size_t size = std::bit_ceil(pending.size() * 2);
  slots.assign(size, 0);
  copy_of.assign(pending.size(), 0);
  std::size_t copies = 1;
  for (std::size_t k = 0; k < pending.size(); ++k) {
    const std::string_view client = *pending[k].client;
    for (auto i = std::hash<std::string_view>{}(client) & (size - 1);; i = (i + 1) & (size - 1)) {
      if (slots[i] == 0) {
        slots[i] = k + 1;
        break;
      }
      if (*pending[slots[i] - 1].client == client) { // an earlier copy: this one is the next
        copy_of[k] = copy_of[slots[i] - 1] + 1;
        copies = std::max(copies, copy_of[k] + 1);
        slots[i] = k + 1;
        break;
      }
    }
  }
  if (copies == 1) {
    write_pending(pending);
  } else { // rare: one pass over the entries, whatever a damaged log repeats
    std::vector<std::vector<queued_ref>> rows(copies);
    for (std::size_t k = 0; k < pending.size(); ++k)
      rows[copy_of[k]].push_back(pending[k]);
    for (const auto& row : rows)
      write_pending(row);
  }
  pending.clear();
}

void impl::operator()(const journal::message_sent& r) {
  cycles[r.client_id] = r.packet_id;
  // A session sends its queue in order: when the message queued just before is this one, no
  // older unsent copy of it is left in that session, and this record is about the new row.
  if (pending.size() == 1 && *pending.front().client == r.client_id && pending.front().id == r.id) {
    run(bind_queued(put_sent, pending.front())
            .bind(7, std::int64_t{r.packet_id})
            .bind(8, next_seq++));
    pending.clear();
    return;
  }
  flush_pending();
  take_first(r.client_id, r.id, true, r.packet_id);
}

void impl::operator()(const journal::message_dropped& r) {
  flush_pending();
  if (r.in_flight)
    return run_returning(
        drop_sent.bind(1, std::string_view(r.client_id)).bind(2, std::int64_t{r.packet_id}));
  cycles[r.client_id] = r.packet_id; // the cycle moved past it
  take_first(r.client_id, r.id, false, r.packet_id);
}

namespace {

// The first row `s` returns, if any.
std::optional<std::int64_t> first_of(statement& s, bool& failed) {
  std::optional<std::int64_t> v;
  const int rc = s.step();
  if (rc == SQLITE_ROW)
    v = s.integer(0);
  else if (rc != SQLITE_DONE)
    failed = true;
  s.reset();
  return v;
}

} // namespace

void impl::take_first(const std::string& client, broker::message_id id, bool sent,
                      std::uint16_t packet_id) {
  const auto mid = static_cast<std::int64_t>(id);
  const auto row = first_of(first_row.bind(1, std::string_view(client)).bind(2, mid), failed);
  const auto group = first_of(first_member.bind(1, std::string_view(client)).bind(2, mid), failed);
  // Sent rows move to the end of the order: a restart resends them in the order they were sent.
  if (group && (!row || *group < *row)) {
    if (sent)
      run(send_member.bind(1, *group)
              .bind(2, next_seq++)
              .bind(3, std::string_view(client))
              .bind(4, std::int64_t{packet_id}));
    take_member_of(*group, client);
  } else if (row) {
    if (sent)
      run(send_row.bind(1, *row).bind(2, next_seq++).bind(3, std::int64_t{packet_id}));
    else
      run_returning(drop_row.bind(1, *row));
  }
}

void impl::take_member_of(std::int64_t seq, const std::string& client) {
  run(take_member.bind(1, seq).bind(2, std::string_view(client)));
  auto& s = shrink_group.bind(1, seq);
  std::int64_t left = 1, body = 0;
  if (const int rc = s.step(); rc == SQLITE_ROW) {
    left = s.integer(0);
    body = s.integer(1);
  } else if (rc != SQLITE_DONE) {
    failed = true;
  }
  s.reset();
  if (left > 0) return;
  run(drop_group.bind(1, seq));
  run(drop_taken.bind(1, seq));
  unreferenced.push_back(body);
}

void impl::leave_groups(const std::string& client) {
  std::vector<std::int64_t> seqs;
  auto& s = groups_of.bind(1, std::string_view(client));
  int rc;
  while ((rc = s.step()) == SQLITE_ROW)
    seqs.push_back(s.integer(0));
  if (rc != SQLITE_DONE) failed = true;
  s.reset();
  for (const auto seq : seqs)
    take_member_of(seq, client);
}

} // namespace mqtk::store
