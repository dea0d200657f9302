// SPDX-License-Identifier: MIT
// What a bridge owes the other broker, across losses of the link.
#include "mqtk/bridge/outbound_queue.hpp"

#include <algorithm>
#include <vector>

namespace mqtk::bridge {

bool outbound_queue::push(codec::publish m) {
  if (size() >= limit_) return false;
  waiting_.push_back(std::move(m));
  return true;
}

std::optional<codec::publish> outbound_queue::take() {
  if (waiting_.empty()) return std::nullopt;
  auto m = std::move(waiting_.front());
  waiting_.pop_front();
  return m;
}

void outbound_queue::in_flight(std::uint16_t id, codec::publish m) {
  flight_[id] = sent{next_order_++, std::move(m)};
}

bool outbound_queue::done(std::uint16_t id) {
  return flight_.erase(id) > 0;
}

void outbound_queue::requeue() {
  std::vector<sent> back;
  back.reserve(flight_.size());
  for (auto& [id, s] : flight_)
    back.push_back(std::move(s));
  flight_.clear();
  std::sort(back.begin(), back.end(),
            [](const sent& a, const sent& b) { return a.order > b.order; });
  for (auto& s : back) { // latest first, so the earliest ends at the front
    s.message.packet_id = 0;
    s.message.dup = false;
    waiting_.push_front(std::move(s.message));
  }
}

} // namespace mqtk::bridge
