// SPDX-License-Identifier: MIT
// The outgoing in-flight window.
#include "mqtk/session/inflight.hpp"

namespace mqtk::session {

outbound_message outbound_message::of(std::shared_ptr<const codec::publish> m) {
  outbound_message o;
  o.qos = m->qos;
  o.retain = m->retain;
  o.message = std::move(m);
  return o;
}

void outbound_inflight::add(std::uint16_t packet_id,
                            std::shared_ptr<const codec::publish> message) {
  auto m = outbound_message::of(std::move(message));
  m.packet_id = packet_id;
  add(std::move(m));
}

void outbound_inflight::add(outbound_message&& m) {
  m.state = m.qos == 1 ? inflight_state::awaiting_puback : inflight_state::awaiting_pubrec;
  restore(std::move(m));
}

void outbound_inflight::restore(outbound_message&& m) {
  const auto id = m.packet_id;
  order_.push_back(std::move(m));
  by_id_[id] = std::prev(order_.end());
}

void outbound_inflight::add_front_of(std::list<outbound_message>& queue) {
  order_.splice(order_.end(), queue, queue.begin());
  auto& m = order_.back();
  m.state = m.qos == 1 ? inflight_state::awaiting_puback : inflight_state::awaiting_pubrec;
  by_id_[m.packet_id] = std::prev(order_.end());
}

bool outbound_inflight::on_pubrec(std::uint16_t packet_id) {
  auto* e = find(packet_id);
  if (e == nullptr || e->state != inflight_state::awaiting_pubrec) return false;
  e->state = inflight_state::awaiting_pubcomp;
  return true;
}

std::optional<inflight_entry> outbound_inflight::remove(std::uint16_t packet_id) {
  const auto it = by_id_.find(packet_id);
  if (it == by_id_.end()) return std::nullopt;
  inflight_entry e = std::move(*it->second);
  order_.erase(it->second);
  by_id_.erase(it);
  return e;
}

void outbound_inflight::erase(std::uint16_t packet_id) {
  const auto it = by_id_.find(packet_id);
  if (it == by_id_.end()) return;
  order_.erase(it->second);
  by_id_.erase(it);
}

void outbound_inflight::clear() {
  order_.clear();
  by_id_.clear();
}

} // namespace mqtk::session
