// SPDX-License-Identifier: MIT
// The broker's connection handshake, sessions (new, resumed, taken over, expired), wills and
// DISCONNECT.
#include <algorithm>

#include "mqtk/core/errc.hpp"
#include "mqtk/topic/validate.hpp"
#include "state.hpp"

namespace mqtk::broker::detail {

using codec::protocol_version;

client_ref state::who(const session_state& s) const {
  client_ref r{s.client_id, std::nullopt, s.listener};
  if (s.username) r.username = *s.username;
  return r;
}

void state::on_packet(connection& c, codec::packet& p, time_point now) {
  if (c.phase == connection::phase::awaiting_connect) {
    // The first packet must be CONNECT [MQTT-3.1.0-1].
    if (auto* connect = std::get_if<codec::connect>(&p)) return on_connect(c, *connect, now);
    ++st.protocol_errors;
    log_unaccepted(c, "its first packet is not CONNECT [MQTT-3.1.0-1]");
    return close(c, std::nullopt);
  }
  if (c.phase == connection::phase::exchanging) {
    // Until CONNACK, only AUTH and DISCONNECT [MQTT-4.12.0-6] [MQTT-4.12.0-7].
    if (const auto* a = std::get_if<codec::auth>(&p)) return on_auth(c, *a, now);
    if (std::holds_alternative<codec::disconnect>(p)) return close(c, std::nullopt);
    return refuse(c, protocol_version::v5, reason_code::protocol_error);
  }
  std::visit(
      [&](auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, codec::publish>)
          on_publish(c, x, now);
        else if constexpr (std::is_same_v<T, codec::puback>)
          on_ack(c, x.packet_id, x.code, codec::packet_type::puback, now);
        else if constexpr (std::is_same_v<T, codec::pubrec>)
          on_ack(c, x.packet_id, x.code, codec::packet_type::pubrec, now);
        else if constexpr (std::is_same_v<T, codec::pubcomp>)
          on_ack(c, x.packet_id, x.code, codec::packet_type::pubcomp, now);
        else if constexpr (std::is_same_v<T, codec::pubrel>)
          on_pubrel(c, x);
        else if constexpr (std::is_same_v<T, codec::subscribe>)
          on_subscribe(c, x, now);
        else if constexpr (std::is_same_v<T, codec::unsubscribe>)
          on_unsubscribe(c, x);
        else if constexpr (std::is_same_v<T, codec::pingreq>)
          send(c, codec::pingresp{});
        else if constexpr (std::is_same_v<T, codec::disconnect>)
          on_disconnect(c, x);
        else // a second CONNECT [MQTT-3.1.0-2], AUTH without a method, server-only packets
          protocol_error(c, make_error_code(reason_code::protocol_error));
      },
      p);
}

// A refused CONNECT gets a CONNACK in the version the client spoke, then the connection closes
// [MQTT-3.2.2-7]. An unknown protocol level is answered in 3.1.1 form (0x01) [MQTT-3.1.2-2].
void state::refuse(connection& c, protocol_version v, reason_code rc, std::string_view why) {
  log_refused(c, rc, why);
  codec::connack ack{false, rc, {}};
  if (v == protocol_version::v311 || rc == reason_code::unsupported_protocol_version) {
    v = protocol_version::v311;
    switch (rc) {
    case reason_code::unsupported_protocol_version:
    case reason_code::client_identifier_not_valid:
    case reason_code::server_unavailable:
    case reason_code::bad_user_name_or_password:
    case reason_code::not_authorized:
      break;
    case reason_code::banned:
      ack.code = reason_code::not_authorized;
      break;
    default:
      ack.code = reason_code::server_unavailable;
      break;
    }
  } else {
    if (rc == reason_code::topic_alias_invalid || rc == reason_code::unspecified_error)
      ack.code = reason_code::protocol_error;
    ack.props.reason_string = std::string(why.empty() ? name(ack.code) : why);
  }
  c.decoder.set_version(v);
  ++st.protocol_errors;
  send(c, ack);
  c.phase = connection::phase::closing;
  closing.push_back(c.id);
}

namespace {

// The protocol level of a CONNECT that failed to decode, if its first bytes say "MQTT" + level.
std::optional<std::uint8_t> connect_level(byte_view b) {
  std::size_t i = 1;
  while (i < b.size() && i < 5 && (b[i] & 0x80))
    ++i; // skip the Remaining Length
  ++i;
  static constexpr std::uint8_t name[] = {0x00, 0x04, 'M', 'Q', 'T', 'T'};
  if (b.size() < i + 7 || !std::equal(name, name + 6, b.begin() + static_cast<std::ptrdiff_t>(i)))
    return std::nullopt;
  return b[i + 6];
}

} // namespace

// A CONNECT that breaks the format. An unknown protocol level is answered with the 3.1.1 code
// 0x01 [MQTT-3.1.2-2]; a 3.1.1 client is disconnected without CONNACK [MQTT-3.1.4-1]; a v5
// client is told why with a CONNACK reason code first (section 3.1.4).
void state::bad_connect(connection& c, std::error_code ec) {
  if (ec == errc::protocol_version_unsupported || ec == errc::protocol_name_invalid)
    return refuse(c, protocol_version::v311, reason_code::unsupported_protocol_version);
  if (const auto level = connect_level(byte_view(c.first_bytes.data(), c.first_len));
      level && (*level & 0x7F) == 5)
    return refuse(c, protocol_version::v5, reason_for(ec), ec.message());
  ++st.protocol_errors;
  log_unaccepted(c, ec.message() + ", closed without CONNACK");
  close(c, std::nullopt);
}

namespace {
// Names the client whose CONNECT is being decided, for refuse()'s log line, while in scope.
struct naming {
  naming(std::string_view& slot, std::string_view id) : slot_(slot) { slot_ = id; }
  ~naming() { slot_ = {}; }
  naming(const naming&) = delete;
  naming& operator=(const naming&) = delete;

private:
  std::string_view& slot_;
};

// A will is published like a PUBLISH, so its topic and its Response Topic follow the PUBLISH
// rules: names, never filters [MQTT-3.1.3-11] [MQTT-3.3.2-14].
bool will_ok(const state& st, const codec::connect& p) {
  if (!p.will) return true;
  const auto& rt = p.will->props.response_topic;
  if (rt && topic::validate_name(*rt)) return false;
  return !topic::validate_name(p.will->topic) && !too_deep(st, p.will->topic);
}
} // namespace

void state::on_connect(connection& c, codec::connect& p, time_point now) {
  const naming named(connecting_id, p.client_id);
  const auto v = p.version;
  c.decoder.set_version(v);
  if (c.over_quota) { // 3.1.1: 3 Server unavailable
    const auto why = "max_connections (" + std::to_string(cfg.lim.max_connections) + ") reached";
    if (!cfg.log_connections) // a full broker is worth a line even when connections are not
      say(log_level::warning, "client " + p.client_id + " refused: " + why);
    return refuse(c, v, reason_code::quota_exceeded, why);
  }
  if (!will_ok(*this, p)) {
    // 3.1.1 has no CONNACK code for a bad CONNECT: the only answer is to close [MQTT-3.1.4-1];
    // 0x03 "Server unavailable" would tell the client to retry the same CONNECT.
    if (v == protocol_version::v311) {
      ++st.protocol_errors;
      std::string line = "client " + p.client_id + " refused";
      const auto at = line.size();
      say_about(c, log_level::notice, line + ": invalid will topic, closed without CONNACK", at);
      close_reasons.try_emplace(c.id);
      return close(c, std::nullopt);
    }
    return refuse(c, v, reason_code::topic_name_invalid);
  }
  if (p.will && p.will->retain && !cfg.lim.retain_available) // section 3.2.2.3.5
    return refuse(c, v, reason_code::retain_not_supported);
  if (p.client_id.empty() && v == protocol_version::v311 && !p.clean_start)
    return refuse(c, v, reason_code::client_identifier_not_valid); // [MQTT-3.1.3-8]
  for (const auto& [id, l] : links) // a link's name is not for a client to take over
    if (l.session->client_id == p.client_id)
      return refuse(c, v, reason_code::client_identifier_not_valid);
  if (c.identity) { // use_identity_as_username: the certificate speaks, not the CONNECT
    if (c.identity->empty()) return refuse(c, v, reason_code::not_authorized);
    p.username = *c.identity;
    p.password.reset();
  }
  const auto r = request_of(c, p);
  if (const auto& method = p.props.authentication_method) {
    auto a = policy->exchange(r, *method, p.props.authentication_data.value_or(""), true);
    return on_exchange(c, p, std::move(a), now);
  }
  const verdict answer = policy->authenticate(r);
  if (answer != verdict::pending) return on_verdict(c, p, answer, now);
  // Design: nothing is read from a connection while its CONNECT waits; what it already sent
  // stays in its decoder, so the packets behind the CONNECT are handled in order afterwards.
  c.phase = connection::phase::authenticating;
  held_connects[c.id] = std::make_unique<codec::connect>(std::move(p));
}

auth_request state::request_of(const connection& c, const codec::connect& p) const {
  auth_request r;
  r.id = c.id;
  r.client_id = p.client_id;
  if (p.username) r.username = *p.username;
  if (p.password) r.password = *p.password;
  if (c.identity) r.identity = *c.identity;
  r.listener = c.listener;
  r.version = p.version;
  return r;
}

// A step of enhanced authentication; the CONNECT waits in held_connects between steps.
void state::on_exchange(connection& c, codec::connect& p, auth_answer a, time_point now) {
  if (a.v != verdict::continue_auth) {
    if (a.v == verdict::allow && a.username) p.username = std::move(a.username);
    return on_verdict(c, p, a.v, now, &a);
  }
  codec::auth step{reason_code::continue_authentication, {}};
  step.props.authentication_method = p.props.authentication_method;
  step.props.authentication_data = std::move(a.data);
  send(c, step);
  c.phase = connection::phase::exchanging;
  held_connects[c.id] = std::make_unique<codec::connect>(std::move(p));
}

void state::on_auth(connection& c, const codec::auth& a, time_point now) {
  const auto held = held_connects.find(c.id);
  auto p = std::move(held->second);
  held_connects.erase(held);
  const naming named(connecting_id, p->client_id);
  c.phase = connection::phase::awaiting_connect;
  // Each AUTH carries the CONNECT's method [MQTT-4.12.0-5].
  if (a.code != reason_code::continue_authentication ||
      a.props.authentication_method != p->props.authentication_method) {
    policy->forget(c.id);
    return refuse(c, protocol_version::v5, reason_code::protocol_error);
  }
  auto answer = policy->exchange(request_of(c, *p), *p->props.authentication_method,
                                 a.props.authentication_data.value_or(""), false);
  on_exchange(c, *p, std::move(answer), now);
}

void state::on_verdict(connection& c, codec::connect& p, verdict v, time_point now,
                       const auth_answer* exchanged) {
  const naming named(connecting_id, p.client_id);
  switch (v) {
  case verdict::allow:
    break;
  case verdict::bad_credentials:
    return refuse(c, p.version, reason_code::bad_user_name_or_password);
  case verdict::bad_method:
    return refuse(c, p.version, reason_code::bad_authentication_method);
  case verdict::not_authorized:
  case verdict::pending: // not an answer: refuse rather than hold a second time
  case verdict::continue_auth:
    return refuse(c, p.version, reason_code::not_authorized);
  }
  if (p.props.authentication_method && !exchanged) // a method no exchange took
    return refuse(c, p.version, reason_code::bad_authentication_method);
  // A will its owner may not publish is refused now, while the client can still be told.
  client_ref owner{p.client_id, std::nullopt, c.listener};
  if (p.username) owner.username = *p.username;
  if (p.will && !will_allowed(owner, *p.will))
    return refuse(c, p.version, reason_code::not_authorized);
  finish_connect(c, p, now, exchanged);
}

void state::finish_connect(connection& c, codec::connect& p, time_point now,
                           const auth_answer* exchanged) {
  const auto v = p.version;
  codec::connack ack;
  if (exchanged) { // the last step's data goes in the CONNACK (section 4.12)
    ack.props.authentication_method = p.props.authentication_method;
    if (!exchanged->data.empty()) ack.props.authentication_data = exchanged->data;
  }
  if (p.client_id.empty()) { // the server assigns one [MQTT-3.1.3-6]
    do                       // restored sessions may hold ids assigned before a restart
      p.client_id = "mqtk-" + std::to_string(next_assigned_id++);
    while (sessions.count(p.client_id) != 0);
    if (v == protocol_version::v5) ack.props.assigned_client_identifier = p.client_id;
  }
  bool present = false;
  session_state& s = attach_session(c, p, present, now);
  s.username = p.username ? std::make_unique<std::string>(*p.username) : nullptr;
  s.listener = c.listener;
  journal_connect(s);
  c.phase = connection::phase::connected;
  std::uint16_t keep_alive = p.keep_alive;
  if (const auto max = cfg.lim.max_keep_alive; max != 0 && (keep_alive == 0 || keep_alive > max)) {
    keep_alive = max;
    if (v == protocol_version::v5) ack.props.server_keep_alive = max; // [MQTT-3.2.2-21]
  }
  c.keep_alive = std::chrono::seconds(keep_alive);
  if (p.will) {
    c.will = std::make_unique<codec::will_message>(std::move(*p.will));
    c.will->topic.insert(0, mount_of(c));
  }
  c.send_will = true;
  c.decoder.set_max_packet_size(cfg.lim.max_packet_size);
  c.client_receive_maximum = p.props.receive_maximum.value_or(65'535);
  c.client_max_packet = p.props.maximum_packet_size.value_or(codec::max_packet_size_limit);
  if (const auto most = p.props.topic_alias_maximum.value_or(0);
      most != 0 && v == protocol_version::v5)
    c.sent_aliases = std::make_unique<topic::outbound_aliases>(most); // [MQTT-3.3.2-11]
  c.alias_max = v == protocol_version::v5 ? cfg.lim.topic_alias_maximum : 0;
  c.aliases.reset();
  ack.session_present = present;
  if (v == protocol_version::v5) {
    ack.props.receive_maximum = cfg.lim.receive_maximum;
    // MQTT's own limit is announced by leaving the property out (section 3.2.2.3.6): a value
    // over 268,435,455 is one that paho-mqtt, for one, refuses to read.
    if (cfg.lim.max_packet_size < 268'435'455)
      ack.props.maximum_packet_size = cfg.lim.max_packet_size;
    ack.props.topic_alias_maximum = cfg.lim.topic_alias_maximum;
    if (!cfg.lim.retain_available) ack.props.retain_available = 0;
    if (p.props.session_expiry_interval.value_or(0) > cfg.lim.max_session_expiry)
      ack.props.session_expiry_interval = cfg.lim.max_session_expiry;
  }
  send(c, ack);
  log_connected(c, p, present);
  resend(s, now);
  drain(s, now);
}

session_state& state::attach_session(connection& c, const codec::connect& p, bool& present,
                                     time_point now) {
  auto it = sessions.find(p.client_id);
  if (it != sessions.end()) {
    session_state& old = *it->second;
    if (connection* prev = old.conn) { // take over [MQTT-3.1.4-3]
      old.conn = nullptr;
      --connected_now;
      prev->sess = nullptr;
      if (prev->will) publish_will(std::move(*prev->will), old, now);
      prev->will.reset();
      if (cfg.log_connections)
        say(log_level::notice,
            "client " + old.client_id + " disconnected: session taken over by a new connection");
      close(*prev, reason_code::session_taken_over);
      uncongest(old); // the backlog that held publishers back went with the old connection
    }
    if (p.clean_start) { // [MQTT-3.1.2-4]
      end_session(old);
      it = sessions.end();
    }
  }
  if (it == sessions.end()) {
    auto s = std::make_unique<session_state>();
    s->client_id = p.client_id;
    s->key = next_key++;
    by_key[s->key] = s.get();
    const std::string_view key = s->client_id; // points into *s, which stays put on the heap
    it = sessions.emplace(key, std::move(s)).first;
    present = false;
  } else {
    present = true; // [MQTT-3.2.2-2]
    if (it->second->delayed_will && it->second->journaled)
      record(journal::will_cleared{it->second->client_id});
    it->second->delayed_will.reset(); // the client is back before its will was due
    it->second->will_at.reset();
  }
  session_state& s = *it->second;
  s.conn = &c;
  connected_max = std::max(connected_max, ++connected_now);
  s.version = p.version;
  s.bridge = p.bridge;
  s.expires_at.reset();
  if (p.version == protocol_version::v5)
    s.expiry = std::min(p.props.session_expiry_interval.value_or(0), cfg.lim.max_session_expiry);
  else
    s.expiry = p.clean_start ? 0 : 0xFFFFFFFF;
  if (!present) s.flow.reset();
  c.sess = &s;
  return s;
}

void state::end_session(session_state& s) {
  if (const auto* subs = s.subscriptions.peek())
    for (const auto& [filter, rec] : *subs)
      trie.erase(filter, s.key);
  if (const auto* f = s.flow.peek()) {
    st.publish_dropped += f->queued();
    st.dropped[static_cast<std::size_t>(drop_reason::session_ended)] += f->queued();
    audit.ended += f->queued();
  }
  uncongest(s);
  if (s.journaled) record(journal::session_ended{s.client_id});
  by_key.erase(s.key);
  sessions.erase(sessions.find(s.client_id)); // destroys s (and the key that viewed it)
}

bool state::will_allowed(const client_ref& owner, const codec::will_message& w) {
  return !sys_topic_closed_to(w.topic, owner.client_id) &&
         (!policy_checks_topics || policy->may_publish(owner, w.topic, w.qos, w.retain));
}

// Checked again when the will is published: a reload may have changed the rules since CONNECT.
void state::publish_will(codec::will_message w, const session_state& owner, time_point now) {
  if (!will_allowed(who(owner), w)) {
    drop(drop_reason::not_authorized, &owner);
    return;
  }
  auto msg = std::make_shared<codec::publish>();
  msg->topic = std::move(w.topic);
  msg->payload = std::move(w.payload);
  msg->qos = w.qos;
  msg->retain = w.retain;
  msg->props = std::move(w.props);
  msg->props.will_delay_interval.reset(); // a will property, not a PUBLISH one
  accept(std::move(msg), nullptr, now);
}

void state::on_disconnect(connection& c, const codec::disconnect& d) {
  if (session_state* s = c.sess) {
    if (const auto e = d.props.session_expiry_interval) {
      // A session that ended with the connection cannot be revived here [MQTT-3.14.2-2].
      if (s->expiry == 0 && *e != 0)
        return protocol_error(c, make_error_code(reason_code::protocol_error));
      const auto was = s->expiry;
      s->expiry = std::min(*e, cfg.lim.max_session_expiry);
      // Expiry 0 ends the session with its connection, which the journal hears then.
      if (s->journaled && s->expiry != was && s->expiry != 0) journal_session(*s);
    }
  }
  // Only 0x04 keeps the will; every other DISCONNECT discards it [MQTT-3.14.4-3].
  c.send_will = d.code == reason_code::disconnect_with_will;
  if (cfg.log_connections) {
    std::string why = "it sent DISCONNECT";
    if (c.version() == protocol_version::v5)
      why += d.code == reason_code::success ? std::string(" (Normal disconnection)")
                                            : " (" + std::string(name(d.code)) + ")";
    if (d.props.reason_string) why += ": \"" + *d.props.reason_string + "\"";
    note_close(c, std::move(why));
  }
  close(c, std::nullopt);
}

} // namespace mqtk::broker::detail
