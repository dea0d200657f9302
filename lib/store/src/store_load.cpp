// SPDX-License-Identifier: MIT
// The database read back as journal records, in an order broker_core::restore() replays: bodies
// and retained messages, sessions, then what each session holds.
#include <algorithm>
#include <charconv>
#include <unordered_map>
#include <vector>

#include "message_blob.hpp"
#include "store_impl.hpp"

namespace mqtk::store {

namespace journal = broker::journal;
using detail::statement;

namespace {

// Design: message bodies sorted by id (the table's rowid order, so no sort), found by binary
// search; a million of them cost a hash map's rehashes and node allocations at every restart.
struct bodies {
  std::vector<std::pair<std::int64_t, std::shared_ptr<const codec::publish>>> by_id;
  std::vector<bool> emitted; // message_stored written for it

  std::size_t hint = 0; // where the last find() landed: queues mostly run in id order

  std::size_t find(std::int64_t id) {
    if (hint + 1 < by_id.size() && by_id[hint + 1].first == id) return ++hint;
    const auto it = std::lower_bound(by_id.begin(), by_id.end(), id,
                                     [](const auto& b, std::int64_t v) { return b.first < v; });
    if (it == by_id.end() || it->first != id) return by_id.size();
    return hint = static_cast<std::size_t>(it - by_id.begin());
  }
};

struct loader {
  sqlite3* db;
  const detail::client_lists& lists;
  std::vector<broker::journal_record>& out;
  std::string damage; // what did not read back, if anything

  bool rows(const char* sql, const auto& each) {
    statement s(db, sql);
    if (!s.ok()) return false;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
      each(s);
    return rc == SQLITE_DONE;
  }
  std::optional<std::int64_t> ms(const statement& s, int col) { return s.maybe(col); }
  std::optional<broker::wall_time> when(const statement& s, int col) {
    const auto v = s.maybe(col);
    return v ? std::optional<broker::wall_time>(detail::from_ms(*v)) : std::nullopt;
  }
  bool props(const statement& s, int col, codec::properties& p) {
    if (s.null(col) || detail::read_properties(s.text(col), p)) return true;
    damage = "properties that do not decode";
    return false;
  }

  bool messages(bodies& all) {
    const bool read =
        rows("SELECT id, topic, payload, qos, retain, properties FROM messages ORDER BY id",
             [&](const statement& s) {
               auto m = std::make_shared<codec::publish>();
               m->topic = s.text(1);
               m->payload = s.text(2);
               m->qos = static_cast<std::uint8_t>(s.integer(3));
               m->retain = s.integer(4) != 0;
               if (props(s, 5, m->props)) all.by_id.emplace_back(s.integer(0), std::move(m));
             });
    all.emitted.assign(all.by_id.size(), false);
    return read;
  }
  bool retained(bodies& all) {
    return rows("SELECT topic, message_id, expires_at FROM retained", [&](const statement& s) {
      const auto k = all.find(s.integer(1));
      if (k == all.by_id.size()) return void(damage = "a retained message without its body");
      out.push_back(journal::retained_set{static_cast<broker::message_id>(all.by_id[k].first),
                                          all.by_id[k].second, when(s, 2)});
    });
  }
  // Closing and the id cycle go last: after the queue's message_sent records, which move both.
  std::vector<journal::session_closed> closed;
  std::vector<journal::packet_id_cycle> cycles;
  bool sessions() {
    return rows("SELECT client_id, username, expiry, version, connected, expires_at, "
                "last_packet_id FROM sessions",
                [&](const statement& s) {
                  journal::session_stored r;
                  r.client_id = s.text(0);
                  if (!s.null(1)) r.username = s.text(1);
                  r.expiry = static_cast<std::uint32_t>(s.integer(2));
                  r.version = static_cast<codec::protocol_version>(s.integer(3));
                  if (s.integer(4) == 0) closed.push_back({r.client_id, when(s, 5)});
                  const auto cycle = static_cast<std::uint16_t>(s.integer(6));
                  if (cycle != 0) cycles.push_back({r.client_id, cycle});
                  out.push_back(std::move(r));
                });
  }
  bool subscriptions() {
    return rows("SELECT client_id, filter, qos, no_local, retain_as_published, retain_handling, "
                "subscription_id FROM subscriptions",
                [&](const statement& s) {
                  journal::subscription_added r{s.text(0), s.text(1), {}, 0};
                  r.options.qos = static_cast<std::uint8_t>(s.integer(2));
                  r.options.no_local = s.integer(3) != 0;
                  r.options.retain_as_published = s.integer(4) != 0;
                  r.options.retain_handling = static_cast<std::uint8_t>(s.integer(5));
                  r.subscription_id = static_cast<std::uint32_t>(s.integer(6));
                  out.push_back(std::move(r));
                });
  }
  bool queue(bodies& all, std::size_t queue_rows);
  bool queued_fields(const statement& s, int col, journal::message_queued& q);
  void body_of(bodies& all, broker::message_id id);
  bool wills_and_inbound();
  bool counters();
};

// "n,n,...": one count per drop reason. A file from a build with fewer reasons reads with the
// rest 0, one with more drops the counts this build has no reason for; an empty field or text
// that is not a count does not read.
bool reasons_of(const std::string& text, broker::stats& t) {
  if (text.empty()) return true;
  for (std::size_t k = 0, from = 0; from <= text.size(); ++k) {
    const auto comma = std::min(text.find(',', from), text.size());
    const auto* end = text.data() + comma;
    std::uint64_t n = 0;
    const auto [p, ec] = std::from_chars(text.data() + from, end, n);
    if (comma == from || ec != std::errc{} || p != end) return false;
    if (k < t.dropped.size()) t.dropped[k] = n;
    from = comma + 1;
  }
  return true;
}

// Statistics are not worth refusing a start over: a counters row that does not read is left
// out (the totals start from 0) while every session and message still loads.
bool loader::counters() {
  return rows("SELECT messages_received, messages_sent, bytes_received, bytes_sent, "
              "publish_dropped, dropped_by_reason, slow_consumer_events, connections_total, "
              "protocol_errors FROM counters",
              [&](const statement& s) {
                broker::stats t;
                for (const auto& [col, field] : {std::pair{0, &broker::stats::messages_received},
                                                 {1, &broker::stats::messages_sent},
                                                 {2, &broker::stats::bytes_received},
                                                 {3, &broker::stats::bytes_sent},
                                                 {4, &broker::stats::publish_dropped},
                                                 {6, &broker::stats::slow_consumer_events},
                                                 {7, &broker::stats::connections_total},
                                                 {8, &broker::stats::protocol_errors}}) {
                  if (s.integer(col) < 0) return;
                  t.*field = static_cast<std::uint64_t>(s.integer(col));
                }
                if (!reasons_of(s.text(5), t)) return;
                out.push_back(journal::counters{std::make_shared<const broker::stats>(t)});
              });
}

// "1,27,3": what store_save writes. Anything else, or an identifier outside 1..268,435,455
// (section 3.3.2.3.8), is damage, not an exception.
bool subscription_ids(const std::string& text, std::vector<std::uint32_t>& out) {
  for (std::size_t from = 0; from <= text.size();) {
    const auto comma = std::min(text.find(',', from), text.size());
    std::uint32_t v = 0;
    const auto* end = text.data() + comma;
    const auto [p, ec] = std::from_chars(text.data() + from, end, v);
    if (ec != std::errc{} || p != end || v == 0 || v > 268'435'455) return false;
    out.push_back(v);
    from = comma + 1;
  }
  return true;
}

// `clients` but those in `taken` (sorted).
detail::client_list not_taken(const std::vector<std::string>& clients,
                              const std::vector<std::string>& taken) {
  auto left = std::make_shared<std::vector<std::string>>();
  for (const auto& c : clients)
    if (!std::binary_search(taken.begin(), taken.end(), c)) left->push_back(c);
  return left;
}

// A queued message not sent yet, with its place in the one order of queue and fan-out rows.
struct waiting {
  std::int64_t seq;
  broker::message_id id;
  broker::journal_record record; // a message_queued, or a message_fanout
};

// Columns from `col`: message_id, qos, retain, subscription_ids, expires_at.
bool loader::queued_fields(const statement& s, int col, journal::message_queued& q) {
  q.id = static_cast<broker::message_id>(s.integer(col));
  q.qos = static_cast<std::uint8_t>(s.integer(col + 1));
  q.retain = s.integer(col + 2) != 0;
  q.expires_at = when(s, col + 4);
  if (s.null(col + 3) || subscription_ids(s.text(col + 3), q.subscription_ids)) return true;
  damage = "subscription identifiers that do not read";
  return false;
}

void loader::body_of(bodies& all, broker::message_id id) {
  const auto k = all.find(static_cast<std::int64_t>(id));
  if (k == all.by_id.size()) return void(damage = "a queued message without its body");
  if (all.emitted[k]) return;
  all.emitted[k] = true;
  out.push_back(journal::message_stored{id, all.by_id[k].second});
}

// Design: sent messages first, in the order they were sent (the window a restart resends), then
// what waits, in queue order: rows and fan-out members merged by seq.
bool loader::queue(bodies& all, std::size_t queue_rows) {
  std::vector<waiting> rows_left, members;
  rows_left.reserve(queue_rows); // grown by doubling, a million rows cost copies and pages
  const bool read_rows =
      rows("SELECT seq, client_id, message_id, qos, retain, subscription_ids, expires_at, "
           "packet_id, state FROM queue ORDER BY seq",
           [&](const statement& s) {
             journal::message_queued q;
             q.client_id = s.text(1);
             if (!queued_fields(s, 2, q)) return;
             const auto state = s.integer(8);
             if (state == 0) return rows_left.push_back({s.integer(0), q.id, std::move(q)});
             body_of(all, q.id);
             const auto packet_id = static_cast<std::uint16_t>(s.integer(7));
             const std::string client = q.client_id;
             const auto mid = q.id;
             out.push_back(std::move(q));
             out.push_back(journal::message_sent{client, mid, packet_id});
             if (state == 2) out.push_back(journal::message_released{client, packet_id});
           });
  // A fan-out row goes back as one record, with the list the journal shared unless some of its
  // sessions have taken their copies.
  std::unordered_map<std::int64_t, std::vector<std::string>> taken;
  const bool read_taken = rows("SELECT seq, client_id FROM fanout_taken", [&](const statement& s) {
    taken[s.integer(0)].push_back(s.text(1));
  });
  for (auto& [seq, clients] : taken)
    std::sort(clients.begin(), clients.end());
  const bool read_members =
      rows("SELECT seq, clients, message_id, qos, retain, subscription_ids, expires_at FROM fanout "
           "ORDER BY seq",
           [&](const statement& s) {
             journal::message_queued q;
             if (!queued_fields(s, 2, q)) return;
             auto list = lists.find(s.integer(1));
             if (!list) return void(damage = "a fan-out naming a client list that is not there");
             if (const auto t = taken.find(s.integer(0)); t != taken.end())
               list = not_taken(*list, t->second);
             if (list->empty()) return;
             members.push_back(
                 {s.integer(0), q.id,
                  journal::message_fanout{q.id, q.qos, q.retain, std::move(q.subscription_ids),
                                          q.expires_at, std::move(list)}});
           });
  auto r = rows_left.begin(), m = members.begin();
  while (r != rows_left.end() || m != members.end()) {
    auto& next = (m == members.end() || (r != rows_left.end() && r->seq < m->seq)) ? *r++ : *m++;
    body_of(all, next.id);
    out.push_back(std::move(next.record));
  }
  return read_rows && read_taken && read_members;
}

bool loader::wills_and_inbound() {
  const bool inbound = rows("SELECT client_id, packet_id FROM inbound", [&](const statement& s) {
    out.push_back(journal::inbound_received{s.text(0), static_cast<std::uint16_t>(s.integer(1))});
  });
  return inbound &&
         rows("SELECT client_id, topic, payload, qos, retain, properties, due_at FROM wills",
              [&](const statement& s) {
                auto will = std::make_shared<codec::will_message>();
                will->topic = s.text(1);
                will->payload = s.text(2);
                will->qos = static_cast<std::uint8_t>(s.integer(3));
                will->retain = s.integer(4) != 0;
                if (props(s, 5, will->props))
                  out.push_back(journal::will_stored{s.text(0), std::move(will),
                                                     detail::from_ms(s.integer(6))});
              });
}

} // namespace

bool sqlite_store::load(std::vector<broker::journal_record>& out, std::string& why) {
  loader l{impl_->db, impl_->lists, out, {}, {}, {}};
  bodies all;
  // Sized once: a million queued messages grew these by doubling, and the copies and fresh
  // pages cost a restart a tenth of a second.
  detail::statement sizes(impl_->db, "SELECT (SELECT count(*) FROM messages), "
                                     "(SELECT count(*) FROM queue)");
  std::size_t queue_rows = 0;
  if (sizes.ok() && sizes.step() == SQLITE_ROW) {
    all.by_id.reserve(static_cast<std::size_t>(sizes.integer(0)));
    queue_rows = static_cast<std::size_t>(sizes.integer(1));
    out.reserve(out.size() + static_cast<std::size_t>(sizes.integer(0)) + queue_rows);
  }
  const bool read = l.messages(all) && l.retained(all) && l.sessions() && l.subscriptions() &&
                    l.queue(all, queue_rows) && l.wills_and_inbound() && l.counters();
  if (!read) return impl_->fail(why);
  if (!l.damage.empty()) {
    why = impl_->path + ": damaged: " + l.damage +
          "; move it (with its -wal and -log files) aside to start empty";
    return false;
  }
  for (auto& c : l.cycles)
    out.push_back(std::move(c));
  for (auto& c : l.closed)
    out.push_back(std::move(c));
  std::int64_t last = 0; // the log goes last: it holds what happened after the tables' state
  return impl_->read_window(out, last, why);
}

} // namespace mqtk::store
