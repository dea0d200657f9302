// SPDX-License-Identifier: MIT
// Large packets and memory. MQTT allows 256 MB packets, and mosquitto accepts them by default;
// a broker that does too must not let a crowd of clients each hold one half received. A packet
// over large_packet reserves twice its size (its bytes, then the decoded message) out of
// max_receiving_bytes before more of it is read; a client that does not fit waits, unread, in
// order; and a packet let in must keep arriving at a pace, or its room goes to the next.
#include "state.hpp"

namespace mqtk::broker::detail {

void state::check_large(connection& c, time_point now) {
  const auto buffered = c.decoder.buffered();
  if (!receiving.empty()) {
    if (const auto it = receiving.find(c.id); it != receiving.end()) {
      if (buffered < large_packet) { // it completed (or the connection moved on to small ones)
        release_large(c.id);
      } else if (buffered >= it->second.progress + large_packet) {
        it->second.progress = buffered;
        it->second.due = now + cfg.lim.large_packet_timeout;
      }
      return;
    }
  }
  if (buffered < large_packet || c.phase == connection::phase::closing || c.waiting_room) return;
  const auto need = 2 * c.decoder.awaited();
  if (receiving.empty() || receiving_total + need <= cfg.lim.max_receiving_bytes) {
    receiving.emplace(c.id, large_entry{need, buffered, now + cfg.lim.large_packet_timeout});
    receiving_total += need;
    return;
  }
  c.waiting_room = true; // wants_read() says no: the socket's buffer fills, TCP slows the client
  waiting_room.push_back(c.id);
}

void state::release_large(connection_id id) {
  if (const auto it = receiving.find(id); it != receiving.end()) {
    receiving_total -= it->second.reserved;
    receiving.erase(it);
  }
  // Let waiting clients in, in order, while they fit (one always fits when nothing is in).
  while (!waiting_room.empty()) {
    connection* c = find(waiting_room.front());
    if (c == nullptr || !c->waiting_room) {
      waiting_room.pop_front(); // gone meanwhile
      continue;
    }
    const auto need = 2 * c->decoder.awaited();
    if (!receiving.empty() && receiving_total + need > cfg.lim.max_receiving_bytes) break;
    waiting_room.pop_front();
    c->waiting_room = false;
    receiving.emplace(c->id, large_entry{need, c->decoder.buffered(),
                                         c->last_receive + cfg.lim.large_packet_timeout});
    receiving_total += need;
    resumed.push_back(c->id);
  }
}

void state::check_large_pace(time_point now) {
  // A client waiting for room is silent because it is not read: its keep-alive waits with it.
  for (const auto id : waiting_room)
    if (connection* c = find(id)) c->last_receive = now;
  std::vector<connection_id> late;
  for (const auto& [id, p] : receiving)
    if (now >= p.due) late.push_back(id);
  for (const auto id : late) {
    connection* c = find(id);
    if (c == nullptr) continue;
    const auto size = c->decoder.awaited();
    note_close(*c, "its packet of " + std::to_string(size) +
                       " bytes arrived slower than 1 MiB per " +
                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                          cfg.lim.large_packet_timeout)
                                          .count()) +
                       " s");
    close(*c, reason_code::quota_exceeded, "a large packet must arrive at 1 MiB per timeout");
    release_large(id);
  }
}

} // namespace mqtk::broker::detail
