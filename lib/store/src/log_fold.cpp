// SPDX-License-Identifier: MIT
// Cancelling a window's records: each session's queue and in-flight window followed as the
// tables would follow them, with the record indexes that made each entry.
#include "log_fold.hpp"

#include <algorithm>
#include <deque>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace mqtk::store::detail {

namespace journal = broker::journal;

namespace {

constexpr std::size_t none = static_cast<std::size_t>(-1);

struct entry {
  broker::message_id id = 0;
  std::size_t queued = none, sent = none, released = none;
  std::size_t member = none; // the client's index when `queued` is a message_fanout
};

// One session as the window shows it: the entries it queued and has not sent, in queue order,
// and the ones it sent, by packet id.
struct session_view {
  std::deque<entry> unsent;
  std::unordered_map<std::uint16_t, entry> in_flight;
  bool ordered = true; // every entry of `unsent` was queued with an id no lower than the last

  void queue(const entry& e) {
    if (!unsent.empty() && e.id < unsent.back().id) ordered = false;
    unsent.push_back(e);
  }
  // The first unsent entry with `id`, as the tables' "first queued row with this message" rule
  // finds it; end() when the window did not queue it. A session that lags sends what earlier
  // windows queued while this one queues thousands more: searched by id, not one by one.
  std::deque<entry>::iterator first(broker::message_id id) {
    if (ordered) {
      const auto it =
          std::lower_bound(unsent.begin(), unsent.end(), id,
                           [](const entry& e, broker::message_id v) { return e.id < v; });
      return it != unsent.end() && it->id == id ? it : unsent.end();
    }
    auto it = unsent.begin();
    while (it != unsent.end() && it->id != id)
      ++it;
    return it;
  }
};

struct canceller {
  const std::vector<broker::journal_record>& window;
  broker::message_id known_below;
  fold_marks out;
  std::unordered_map<std::string_view, session_view> sessions;
  // Only a session that sends or drops in the window can cancel: the others' entries (offline
  // subscribers' queues) are not followed, which keeps a fan-out to thousands cheap.
  std::unordered_set<std::string_view> senders;
  std::size_t at = 0; // the record being looked at

  void find_senders() {
    for (const auto& r : window)
      if (const auto* s = std::get_if<journal::message_sent>(&r))
        senders.insert(s->client_id);
      else if (const auto* d = std::get_if<journal::message_dropped>(&r); d && !d->in_flight)
        senders.insert(d->client_id);
  }

  void cancel(const entry& e) {
    for (const auto k : {e.sent, e.released, at})
      if (k != none) out.record[k] = true;
    if (e.member == none) return void(out.record[e.queued] = true);
    auto& copies = out.members[e.queued];
    if (copies.empty())
      copies.assign(std::get<journal::message_fanout>(window[e.queued]).clients->size(), false);
    copies[e.member] = true;
  }
  void operator()(const journal::message_queued& r) {
    if (r.id > known_below && senders.contains(r.client_id))
      sessions[r.client_id].queue({r.id, at});
  }
  void operator()(const journal::message_fanout& r) {
    if (r.id <= known_below) return;
    const auto& clients = *r.clients;
    for (std::size_t m = 0; m < clients.size(); ++m)
      if (senders.contains(clients[m])) sessions[clients[m]].queue({r.id, at, none, none, m});
  }
  void operator()(const journal::message_sent& r) {
    auto& s = sessions[r.client_id];
    const auto it = s.first(r.id);
    if (it == s.unsent.end()) { // an entry the window did not queue now holds this packet id
      s.in_flight.erase(r.packet_id);
      return;
    }
    entry e = *it;
    s.unsent.erase(it);
    e.sent = at;
    s.in_flight[r.packet_id] = e;
  }
  void operator()(const journal::message_released& r) {
    if (const auto s = sessions.find(r.client_id); s != sessions.end())
      if (const auto e = s->second.in_flight.find(r.packet_id); e != s->second.in_flight.end())
        e->second.released = at;
  }
  void complete(const std::string& client, std::uint16_t packet_id) {
    const auto s = sessions.find(client);
    if (s == sessions.end()) return;
    const auto e = s->second.in_flight.find(packet_id);
    if (e == s->second.in_flight.end()) return;
    cancel(e->second);
    s->second.in_flight.erase(e);
  }
  void operator()(const journal::message_acked& r) { complete(r.client_id, r.packet_id); }
  void operator()(const journal::message_dropped& r) {
    if (r.in_flight) return complete(r.client_id, r.packet_id);
    const auto s = sessions.find(r.client_id);
    if (s == sessions.end()) return;
    const auto it = s->second.first(r.id);
    if (it == s->second.unsent.end()) return;
    cancel(*it);
    s->second.unsent.erase(it);
  }
  // An ended session's rows are all deleted: what the window said of it before matches nothing
  // said after.
  void operator()(const journal::session_ended& r) { sessions.erase(r.client_id); }
  void operator()(const auto&) {}

  // A body goes when no record left standing in the window refers to it. Where the tables hold
  // it already (a body stated again), the insert it skips would have changed nothing.
  void bodies() {
    std::unordered_map<broker::message_id, std::size_t> refs;
    for (std::size_t k = 0; k < window.size(); ++k) {
      if (out.record[k]) continue;
      if (const auto* q = std::get_if<journal::message_queued>(&window[k]))
        ++refs[q->id];
      else if (const auto* f = std::get_if<journal::message_fanout>(&window[k]))
        ++refs[f->id];
      else if (const auto* t = std::get_if<journal::retained_set>(&window[k]))
        ++refs[t->id];
    }
    for (std::size_t k = 0; k < window.size(); ++k)
      if (const auto* m = std::get_if<journal::message_stored>(&window[k]))
        if (!refs.contains(m->id)) out.record[k] = true;
  }
  // A fan-out all of whose copies cancel is a record that cancels.
  void whole_fanouts() {
    for (auto it = out.members.begin(); it != out.members.end();)
      if (std::find(it->second.begin(), it->second.end(), false) == it->second.end()) {
        out.record[it->first] = true;
        it = out.members.erase(it);
      } else {
        ++it;
      }
  }
};

} // namespace

fold_marks cancelled(const std::vector<broker::journal_record>& window,
                     broker::message_id known_below) {
  canceller c{window, known_below, {std::vector<bool>(window.size(), false), {}}, {}, {}};
  c.find_senders();
  for (; c.at < window.size(); ++c.at)
    std::visit(c, window[c.at]);
  c.whole_fanouts();
  c.bodies();
  return std::move(c.out);
}

const std::string* moves_cycle(const broker::journal_record& r, std::uint16_t& to) {
  if (const auto* s = std::get_if<journal::message_sent>(&r)) {
    to = s->packet_id;
    return &s->client_id;
  }
  if (const auto* d = std::get_if<journal::message_dropped>(&r); d != nullptr && !d->in_flight) {
    to = d->packet_id;
    return &d->client_id;
  }
  return nullptr;
}

} // namespace mqtk::store::detail
