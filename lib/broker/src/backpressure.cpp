// SPDX-License-Identifier: MIT
// Backpressure and slow consumers. A subscriber whose backlog passes its limits holds back the
// publishers that feed it (they are not read) until it drains, so a 1 -> 1 flood loses nothing.
// One that takes nothing for slow_consumer_timeout is a slow consumer: it holds no one back any
// more, and what its queue cannot hold is dropped and counted for it alone. So one client that
// stops reading never stalls the others.
#include <algorithm>

#include "mqtk/topic/match.hpp"
#include "state.hpp"

namespace mqtk::broker::detail {

namespace {

// A slow consumer is well again once its backlog stayed under the marks this many timeouts: one
// that reads in bursts then cannot hold its publishers back for more than a tenth of the time.
constexpr int well_after = 10;

std::string seconds_of(session::duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return std::to_string(ms / 1000) + (ms % 1000 == 0 ? "" : "." + std::to_string(ms % 1000 / 100));
}

std::string count_of(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

bool state::over_limits(session_state& s, const codec::publish& msg, bool qos0, time_point now) {
  auto& e = congestion_of(s, msg.topic, now);
  if (e.slow) {
    ++e.dropped;
    drop(drop_reason::slow_consumer, &s);
    return false;
  }
  if (!cfg.lim.drop_when_full) {
    hold(e, publisher);
    return true;
  }
  // mosquitto's way drops at the client's own limits only: a QoS 0 message waits in the output,
  // which may grow to max_queued_bytes while the socket is merely busy.
  if (qos0 && s.conn->out.size() + msg.payload.size() <= cfg.lim.max_queued_bytes) return true;
  drop(drop_reason::queue_full, &s);
  return false;
}

congestion& state::congestion_of(session_state& s, const std::string& topic, time_point now) {
  const auto [it, fresh] = congested.try_emplace(&s);
  if (fresh) {
    it->second.quiet_since = now;
    it->second.topic = topic;
    if (s.conn && s.conn->paused) unpause(*s.conn);
  }
  return it->second;
}

// A publisher whose own session is congested is read on, since its acknowledgements are what
// drain it (and a client subscribed to its own topic would otherwise wait for itself).
void state::hold(congestion& e, connection* pub) {
  if (pub == nullptr || pub->phase == connection::phase::closing) return;
  if (pub->sess && congested.count(pub->sess)) return;
  if (std::find(e.holding.begin(), e.holding.end(), pub->id) != e.holding.end()) return;
  e.holding.push_back(pub->id);
  ++paused[pub->id];
  pub->paused = true;
}

bool state::over_budget(session_state& s, connection* c) {
  const auto it = congested.find(&s);
  if (c == nullptr || (it != congested.end() && it->second.slow)) {
    drop(drop_reason::budget_full, &s);
    return false;
  }
  auto* pub = publisher;
  if (pub == nullptr || pub->phase == connection::phase::closing) return true;
  if (pub->sess && congested.count(pub->sess)) return true; // read on: its acks drain it
  if (std::find(budget_holding.begin(), budget_holding.end(), pub->id) != budget_holding.end())
    return true;
  if (!budget_told)
    say(log_level::warning, "queued messages reached max_queued_bytes_total (" +
                                count_of(queued_total, "byte", "bytes") +
                                "): publishers are held back");
  budget_told = true;
  budget_holding.push_back(pub->id);
  ++paused[pub->id];
  pub->paused = true;
  return true;
}

void state::release_budget() {
  if (budget_told && budget_holding.empty() && queued_total < cfg.lim.max_queued_bytes_total / 2) {
    budget_told = false;
    say(log_level::notice, "queued messages are under half of max_queued_bytes_total again");
  }
  if (budget_holding.empty() || queued_total > cfg.lim.max_queued_bytes_total / 10 * 9) return;
  let_go(budget_holding);
}

void state::unpause(connection& c) {
  paused.erase(c.id);
  std::erase(budget_holding, c.id);
  for (auto& [s, e] : congested)
    std::erase(e.holding, c.id);
  c.paused = false;
  resumed.push_back(c.id);
}

void state::release(congestion& e) {
  let_go(e.holding);
}

// One holder fewer for each; those held by no one else are read again, in this order.
void state::let_go(std::vector<connection_id>& holding) {
  for (const auto id : holding) {
    const auto it = paused.find(id);
    if (it == paused.end() || --it->second != 0) continue;
    paused.erase(it);
    if (auto* c = find(id)) {
      c->paused = false;
      resumed.push_back(id);
    }
  }
  holding.clear();
}

bool state::backlog_over_marks(const session_state& s) const {
  const auto* f = s.flow.peek();
  return (f && f->queued() > cfg.lim.max_queued_messages / 2) ||
         (s.conn && s.conn->out.size() > out_limit);
}

std::string state::backlog_of(const session_state& s) const {
  const auto* f = s.flow.peek();
  std::string r = count_of(f ? f->queued() : 0, "message", "messages") + " queued, " +
                  count_of(s.conn ? s.conn->out.size() : 0, "byte", "bytes") + " unsent";
  return r;
}

// Bytes written count as progress only while the backlog is in the output: a client that sends
// PINGREQs but acknowledges nothing must not pass for one that keeps up.
void state::relieve(session_state& s, bool acknowledged) {
  if (congested.empty()) return;
  const auto it = congested.find(&s);
  if (it == congested.end()) return;
  const auto* f = s.flow.peek();
  if (acknowledged || !f || f->queued() <= cfg.lim.max_queued_messages / 2)
    it->second.progressed = true;
  if (!it->second.slow && !backlog_over_marks(s)) uncongest(s);
}

void state::uncongest(session_state& s) {
  if (congested.empty()) return;
  const auto it = congested.find(&s);
  if (it == congested.end()) return;
  if (it->second.slow && it->second.dropped != 0)
    say(log_level::warning, "client " + s.client_id + " is gone as a slow consumer; " +
                                count_of(it->second.dropped, "message was", "messages were") +
                                " dropped for it");
  release(it->second);
  congested.erase(it);
}

void state::declare_slow(session_state& s, congestion& e, time_point now) {
  e.slow = true;
  e.clear_since = now;
  ++st.slow_consumer_events;
  std::string filter;
  if (const auto* subs = s.subscriptions.peek())
    for (const auto& [f, rec] : *subs)
      if (topic::match(f, e.topic)) {
        filter = f;
        break;
      }
  const auto held = e.holding.size();
  release(e);
  const auto timeout = seconds_of(cfg.lim.slow_consumer_timeout);
  say(log_level::warning,
      "client " + s.client_id + " is a slow consumer: it took nothing for " + timeout + " s with " +
          backlog_of(s) + " (subscribed to " + (filter.empty() ? e.topic : filter) + "); " +
          (held ? count_of(held, "publisher it held back goes", "publishers it held back go") +
                      " on, and "
                : "") +
          "what its queue cannot hold is dropped");
  if (cfg.lim.slow_consumer_disconnect && s.conn)
    close(*s.conn, reason_code::quota_exceeded,
          "slow consumer: took nothing for " + timeout + " s");
}

void state::check_congestion(time_point now) {
  // A paused publisher is silent because it is not read: its keep-alive waits with it.
  for (const auto& [id, n] : paused)
    if (auto* c = find(id)) c->last_receive = now;
  release_budget();
  if (congested.empty()) return;
  const auto limit = cfg.lim.slow_consumer_timeout;
  if (limit == session::duration::zero()) return;
  std::vector<session_state*> slow, well;
  for (auto& [s, e] : congested) {
    if (e.progressed) {
      e.progressed = false;
      e.quiet_since = now;
    }
    if (!e.slow) {
      if (s->conn && now - e.quiet_since >= limit) slow.push_back(s);
    } else if (backlog_over_marks(*s)) {
      e.clear_since = now;
    } else if (now - e.clear_since >= well_after * limit) {
      well.push_back(s);
    }
  }
  for (auto* s : slow)
    declare_slow(*s, congested.at(s), now);
  for (auto* s : well) {
    auto& e = congested.at(s);
    say(log_level::notice, "client " + s->client_id + " keeps up again; " +
                               count_of(e.dropped, "message was", "messages were") +
                               " dropped for it as a slow consumer");
    e.dropped = 0; // told
    uncongest(*s);
  }
}

// Every drop is counted ($SYS) and logged, summed per reason and client once per tick so that a
// flood of drops cannot become a flood of log lines. A slow consumer's are told with its state.
void state::drop(drop_reason r, const session_state* s) {
  ++st.publish_dropped;
  ++st.dropped[static_cast<std::size_t>(r)];
  if (r == drop_reason::slow_consumer || r == drop_reason::session_ended) return;
  const bool named = s != nullptr && r != drop_reason::offline;
  auto& t = drops_since_tick[{r, named ? s->key : 0}];
  if (t.count++ == 0 && named) t.client = s->client_id;
}

void state::log_drops() {
  for (const auto& [key, t] : drops_since_tick) {
    const auto r = key.first;
    std::string line = "dropped " + count_of(t.count, "message", "messages");
    const bool from = r == drop_reason::not_authorized || r == drop_reason::store_failing ||
                      r == drop_reason::retain_limit;
    if (!t.client.empty()) line += (from ? " from client " : " for client ") + t.client;
    switch (r) {
    case drop_reason::offline:
      line += ": QoS 0 for clients not connected";
      break;
    case drop_reason::queue_full:
      line += ": queue full";
      break;
    case drop_reason::expired:
      line += ": expired before delivery";
      break;
    case drop_reason::too_large:
      line += ": over the receiving client's Maximum Packet Size or message_size_limit";
      break;
    case drop_reason::not_authorized:
      line += ": not authorized";
      break;
    case drop_reason::store_failing:
      line += ": the store cannot save";
      break;
    case drop_reason::budget_full:
      line += ": max_queued_bytes_total reached and it could not hold its publishers back";
      break;
    case drop_reason::retain_limit:
      line += ": not retained, max_retained_messages or max_retained_bytes reached (" +
              count_of(retained.size(), "message", "messages") + ", " +
              count_of(retained.bytes(), "byte", "bytes") + " retained)";
      break;
    case drop_reason::slow_consumer:
    case drop_reason::session_ended:
      break;
    }
    say(log_level::warning, std::move(line));
  }
  drops_since_tick.clear();
}

} // namespace mqtk::broker::detail
