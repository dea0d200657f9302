// SPDX-License-Identifier: MIT
// The QoS flow engine: window, queue, resend, acknowledgements, inbound QoS 2.
#include "mqtk/session/flow.hpp"

#include <algorithm>

#include "mqtk/core/errc.hpp"

namespace mqtk::session {

std::optional<std::uint16_t> flow::next_publish_id() {
  return requests_.next_free([this](std::uint16_t id) { return inflight_.contains(id); },
                             inflight_.size());
}

std::optional<std::uint16_t> flow::claim_request_id() {
  const auto id = next_publish_id();
  if (id) requests_.claim(*id);
  return id;
}

void flow::enqueue(outbound_message m) {
  queued_bytes_.add(m.message->payload.size());
  queue_.push_back(std::move(m));
}

void flow::send_or_enqueue(outbound_message m, flow_output& out, std::size_t window) {
  if (!has_room(window)) return enqueue(std::move(m));
  if (m.qos == 0) {
    out.publish(m, false);
    return;
  }
  const auto id = next_publish_id();
  if (!id) return enqueue(std::move(m)); // every id is held: wait for an acknowledgement
  m.packet_id = *id;
  if (out.publish(m, false)) inflight_.add(std::move(m));
}

std::optional<outbound_message> flow::pop_queued() {
  if (queue_.empty()) return std::nullopt;
  outbound_message m = std::move(queue_.front());
  queue_.pop_front();
  queued_bytes_.sub(m.message->payload.size());
  return m;
}

void flow::fill(flow_output& out, std::size_t window) {
  if (owed_ != 0) pay_owed(out, window);
  if (owed_ != 0) return; // what a reconnect owes goes before anything new
  while (!queue_.empty() && (queue_.front().qos == 0 || room(window))) {
    if (queue_.front().qos == 0) {
      out.publish(*pop_queued(), false);
      continue;
    }
    const auto id = next_publish_id();
    if (!id) return; // every id is held (by requests): wait for an acknowledgement
    auto& m = queue_.front();
    queued_bytes_.sub(m.message->payload.size());
    m.packet_id = *id;
    if (out.publish(m, false))
      inflight_.add_front_of(queue_); // the node moves: no copy, no allocation
    else
      queue_.pop_front();
  }
}

void flow::resume(flow_output& out, bool session_present, std::size_t window) {
  if (!session_present) inbound_qos2_.clear();
  const auto how = session_present ? resend_due::dup : resend_due::as_new;
  for (auto it = inflight_.entries().begin(); it != inflight_.entries().end(); ++it) {
    auto& e = *it;
    if (e.resend == resend_due::no) ++owed_;
    e.resend = how;
  }
  pay_owed(out, window);
}

void flow::pay_owed(flow_output& out, std::size_t window) {
  for (auto it = inflight_.entries().begin(); owed_ != 0 && it != inflight_.entries().end();) {
    auto& e = *it++; // `it` points past an entry that may go
    if (e.resend == resend_due::no) continue;
    // Messages out on this connection: the window minus those still owed.
    if (!room(window)) return;
    const auto how = e.resend;
    e.resend = resend_due::no;
    --owed_;
    send_again(e, how, out);
  }
}

void flow::send_again(outbound_message& e, resend_due how, flow_output& out) {
  if (e.state == inflight_state::awaiting_pubcomp) {
    if (how == resend_due::dup)
      out.pubrel(e.packet_id, reason_code::success);
    else
      complete(inflight_.by_id_.find(e.packet_id), reason_code::success, {}, out);
  } else if (!out.publish(e, how == resend_due::dup)) {
    inflight_.erase(e.packet_id);
  }
}

bool flow::complete(outbound_inflight::index::iterator at, reason_code rc,
                    const codec::properties& props, flow_output& out) {
  const auto entry = at->second;
  if (entry->resend != resend_due::no) --owed_; // the peer answered before it was sent again
  out.completed(*entry, rc, props);
  // Frees the id: the window's keys are the ids in use.
  inflight_.order_.erase(entry);
  inflight_.by_id_.erase(at);
  return true;
}

bool flow::settle(std::uint16_t id, inflight_state awaiting, reason_code rc,
                  const codec::properties& props, flow_output& out) {
  const auto at = inflight_.by_id_.find(id);
  // An acknowledgement for an id the window does not hold, or of the wrong kind, is ignored.
  if (at == inflight_.by_id_.end() || at->second->state != awaiting) return false;
  return complete(at, rc, props, out);
}

bool flow::on_puback(std::uint16_t id, reason_code rc, const codec::properties& props,
                     flow_output& out) {
  return settle(id, inflight_state::awaiting_puback, rc, props, out);
}

bool flow::on_pubrec(std::uint16_t id, reason_code rc, const codec::properties& props,
                     codec::protocol_version v, flow_output& out, std::size_t window) {
  const auto at = inflight_.by_id_.find(id);
  if (at == inflight_.by_id_.end()) {
    out.pubrel(id, v == codec::protocol_version::v5 ? reason_code::packet_identifier_not_found
                                                    : reason_code::success);
    return false;
  }
  auto& e = *at->second;
  if (e.state == inflight_state::awaiting_puback) return false; // not a QoS 2 message
  if (is_failure(rc))
    return e.state == inflight_state::awaiting_pubrec && complete(at, rc, props, out);
  // It reached the peer before: no need to send it again, if the window has room for it.
  // Otherwise it stays owed (a full window holds no more), and its turn repeats the PUBREL.
  if (e.resend != resend_due::no && out_now() < window) {
    e.resend = resend_due::no;
    --owed_;
  }
  e.state = inflight_state::awaiting_pubcomp;
  out.pubrel(id, reason_code::success);
  return false;
}

bool flow::on_pubcomp(std::uint16_t id, reason_code rc, const codec::properties& props,
                      flow_output& out) {
  return settle(id, inflight_state::awaiting_pubcomp, rc, props, out);
}

inbound_qos2 flow::receive_qos2(std::uint16_t id, std::size_t limit) {
  if (inbound_qos2_.count(id) != 0) return inbound_qos2::duplicate;
  if (inbound_qos2_.size() >= limit) return inbound_qos2::over_limit;
  inbound_qos2_.insert(id);
  return inbound_qos2::fresh;
}

reason_code flow::release_qos2(std::uint16_t id, codec::protocol_version v) {
  const bool known = inbound_qos2_.erase(id) != 0;
  return known || v == codec::protocol_version::v311 ? reason_code::success
                                                     : reason_code::packet_identifier_not_found;
}

flow_snapshot flow::store() const {
  flow_snapshot s;
  s.inflight.assign(inflight_.entries().begin(), inflight_.entries().end());
  s.queued = queue_;
  s.inbound_qos2.assign(inbound_qos2_.begin(), inbound_qos2_.end());
  std::sort(s.inbound_qos2.begin(), s.inbound_qos2.end());
  s.last_packet_id = requests_.last();
  return s;
}

flow flow::restore(flow_snapshot s) {
  flow f;
  for (auto& m : s.inflight) {
    f.owed_ += m.resend != resend_due::no;
    f.inflight_.restore(std::move(m));
  }
  for (const auto& m : s.queued)
    f.queued_bytes_.add(m.message->payload.size());
  f.queue_.splice(f.queue_.end(), s.queued);
  f.inbound_qos2_.insert(s.inbound_qos2.begin(), s.inbound_qos2.end());
  f.requests_.set_last(s.last_packet_id);
  return f;
}

std::error_code apply_inbound_alias(topic::inbound_aliases& aliases, codec::publish& p) {
  if (!p.props.topic_alias) return {};
  auto topic = aliases.resolve(*p.props.topic_alias, p.topic);
  if (!topic) return make_error_code(reason_code::topic_alias_invalid);
  if (p.topic.empty()) p.topic = *topic;
  return {};
}

} // namespace mqtk::session
