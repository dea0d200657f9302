// SPDX-License-Identifier: MIT
// The mutation journal's records, written where durable state changes; the wall clock of its
// deadlines.
#include "state.hpp"

namespace mqtk::broker {
namespace detail {

namespace {
using system_duration = std::chrono::system_clock::duration;
} // namespace

wall_time state::to_wall(time_point t) const {
  return wall_time(std::chrono::duration_cast<system_duration>(t.time_since_epoch()) + wall_offset);
}

time_point state::from_wall(wall_time w) const {
  return time_point(std::chrono::duration_cast<duration>(w.time_since_epoch() - wall_offset));
}

void state::journal_session(const session_state& s) {
  journal::session_stored r{s.client_id, std::nullopt, s.expiry, s.version};
  if (s.username) r.username = *s.username;
  record(std::move(r));
}

// Design: a session is journaled while it is durable (expiry > 0). One that stops being durable
// is ended in the journal and lives on in memory only, as it would not survive its connection;
// one that becomes durable is written whole, since nothing of it was written before.
void state::journal_connect(session_state& s) {
  if (!cfg.journal) return;
  if (s.expiry == 0) {
    if (s.journaled) record(journal::session_ended{s.client_id});
    s.journaled = false;
    return;
  }
  const bool whole = !s.journaled;
  s.journaled = true;
  journal_session(s);
  if (whole) journal_contents(s);
}

void state::journal_contents(const session_state& s) {
  if (const auto* subs = s.subscriptions.peek())
    for (const auto& [filter, rec] : *subs)
      record(journal::subscription_added{s.client_id, filter, rec.options, rec.id});
  const auto* f = s.flow.peek();
  if (f == nullptr) return;
  for (const auto& m : f->inflight().entries()) {
    journal_queued(s, m);
    record(journal::message_sent{s.client_id, m.message_id, m.packet_id});
    if (m.state == session::inflight_state::awaiting_pubcomp)
      record(journal::message_released{s.client_id, m.packet_id});
  }
  for (const auto& m : f->queue())
    journal_queued(s, m);
  auto inbound = f->store().inbound_qos2; // sorted: the journal says the same every time
  for (const auto id : inbound)
    record(journal::inbound_received{s.client_id, id});
}

void state::journal_closed(const session_state& s) {
  if (!s.journaled) return;
  if (s.delayed_will && s.will_at)
    record(journal::will_stored{s.client_id,
                                std::make_shared<const codec::will_message>(*s.delayed_will),
                                to_wall(*s.will_at)});
  std::optional<wall_time> until;
  if (s.expires_at) until = to_wall(*s.expires_at);
  record(journal::session_closed{s.client_id, until});
}

void state::journal_body(message_id id, const message_ptr& msg) {
  if (id == last_stored) return;
  last_stored = id;
  record(journal::message_stored{id, msg});
}

namespace {

template <class R>
bool same_delivery(const R& r, const outbound_message& o, const std::optional<wall_time>& until) {
  return r.id == o.message_id && r.qos == o.qos && r.retain == o.retain &&
         r.subscription_ids == o.sub_ids && r.expires_at == until;
}

} // namespace

// Design: a fan-out delivers to its sessions one after another, so each copy like the one just
// journaled joins that record (a message_queued becomes a message_fanout at the second client):
// a copy then costs the journal its client id, not a record. A stream to the same subscribers
// lists the same clients every time: compared as they come, the list is copied only when it
// changes.
void state::journal_queued(const session_state& s, const outbound_message& o) {
  journal_body(o.message_id, o.message);
  std::optional<wall_time> until;
  if (o.expires_at) until = to_wall(*o.expires_at);
  if (!journal.empty()) {
    auto& last = journal.back();
    if (auto* f = std::get_if<journal::message_fanout>(&last);
        f && fanout_open && same_delivery(*f, o, until))
      return fanout_add(s.client_id);
    if (auto* one = std::get_if<journal::message_queued>(&last);
        one && same_delivery(*one, o, until)) {
      auto first = std::move(one->client_id);
      last = journal::message_fanout{
          one->id, one->qos, one->retain, std::move(one->subscription_ids), until, nullptr};
      fanout_open = true;
      fanout_same = 0;
      fanout_list.clear();
      fanout_add(first);
      return fanout_add(s.client_id);
    }
  }
  record(journal::message_queued{s.client_id, o.message_id, o.qos, o.retain, o.sub_ids, until});
}

void state::fanout_add(const std::string& client) {
  const bool same_so_far = fanout_list.empty();
  if (same_so_far && fanout_last && fanout_same < fanout_last->size() &&
      (*fanout_last)[fanout_same] == client) {
    ++fanout_same;
    return;
  }
  if (same_so_far && fanout_same > 0)
    fanout_list.assign(fanout_last->begin(), fanout_last->begin() + long(fanout_same));
  fanout_list.push_back(client);
}

void state::fanout_close() {
  fanout_open = false;
  auto& f = std::get<journal::message_fanout>(journal.back());
  if (fanout_list.empty() && fanout_last && fanout_same == fanout_last->size()) {
    f.clients = fanout_last;
    return;
  }
  if (fanout_list.empty()) // a shorter list than the last one's, from its start
    fanout_list.assign(fanout_last->begin(), fanout_last->begin() + long(fanout_same));
  fanout_last = std::make_shared<const std::vector<std::string>>(std::move(fanout_list));
  fanout_list.clear();
  f.clients = fanout_last;
}

void state::journal_retained(const message_ptr& msg, std::optional<time_point> expires,
                             message_id id) {
  if (msg->payload.empty()) return record(journal::retained_cleared{msg->topic});
  journal_body(id, msg);
  std::optional<wall_time> until;
  if (expires) until = to_wall(*expires);
  record(journal::retained_set{id, msg, until});
}

// Design: the totals ride along with a batch that is written anyway, at most once a second, or
// go alone every 10 s. Never with every loop turn: a batch holds output back until it is
// committed, and traffic between clean sessions, which changes the totals, must not wait for
// the disk. Nor with every batch: with one more row per commit, a restart over a million queued
// messages took 2.3-3.0 s (bench/persistence-vs-mosquitto, P3, three runs) against 1.8-2.0 s
// riding once a second; why was not pinned down.
void state::journal_counters() {
  const bool ride = counters_ride && !journal.empty();
  if (!cfg.journal || !(counters_due || ride)) return;
  counters_due = false;
  if (st == counters_saved) return; // a ride stays ready for the next batch
  counters_ride = false;
  counters_saved = st;
  record(journal::counters{std::make_shared<const stats>(st)});
}

} // namespace detail

void broker_core::journal_totals() {
  s_->counters_due = true;
}

std::vector<journal_record> broker_core::take_journal() {
  s_->journal_counters();
  if (s_->fanout_open) s_->fanout_close();
  std::vector<journal_record> r;
  std::swap(r, s_->journal);
  // Each batch states every body it refers to: a store may fold batches apart and leave out a
  // body no record of its window needs (lib/store/src/log_fold.hpp).
  s_->last_stored = 0;
  return r;
}

void broker_core::set_store_failing(bool failing) {
  s_->store_failing = failing;
}

void broker_core::set_wall_clock(time_point now, wall_time wall) {
  s_->wall_offset =
      wall.time_since_epoch() -
      std::chrono::duration_cast<std::chrono::system_clock::duration>(now.time_since_epoch());
}

} // namespace mqtk::broker
