// SPDX-License-Identifier: MIT
// The log's record encoding: each record kind lists its fields once (fields()), and one writer
// and one reader walk those lists, so the two directions cannot disagree.
#include "log_codec.hpp"

#include <limits>
#include <type_traits>

#include "message_blob.hpp"

namespace mqtk::store::detail {

namespace journal = broker::journal;

namespace {

// 1: a fan-out's clients inline (read, for a log left by the build before); 2: by client list id.
constexpr char format_version = 2;
constexpr char format_inline_lists = 1;

void fields(auto& a, auto& r) {
  using R = std::remove_const_t<std::remove_reference_t<decltype(r)>>;
  if constexpr (std::is_same_v<R, journal::session_stored>)
    a(r.client_id), a(r.username), a(r.expiry), a(r.version);
  else if constexpr (std::is_same_v<R, journal::session_closed>)
    a(r.client_id), a(r.expires_at);
  else if constexpr (std::is_same_v<R, journal::session_ended> ||
                     std::is_same_v<R, journal::will_cleared>)
    a(r.client_id);
  else if constexpr (std::is_same_v<R, journal::subscription_added>)
    a(r.client_id), a(r.filter), a(r.options.qos), a(r.options.no_local),
        a(r.options.retain_as_published), a(r.options.retain_handling), a(r.subscription_id);
  else if constexpr (std::is_same_v<R, journal::subscription_removed>)
    a(r.client_id), a(r.filter);
  else if constexpr (std::is_same_v<R, journal::message_stored>)
    a(r.id), a(r.message);
  else if constexpr (std::is_same_v<R, journal::message_queued>)
    a(r.client_id), a(r.id), a(r.qos), a(r.retain), a(r.subscription_ids), a(r.expires_at);
  else if constexpr (std::is_same_v<R, journal::message_fanout>)
    a(r.id), a(r.qos), a(r.retain), a(r.subscription_ids), a(r.expires_at), a(r.clients);
  else if constexpr (std::is_same_v<R, journal::message_sent>)
    a(r.client_id), a(r.id), a(r.packet_id);
  else if constexpr (std::is_same_v<R, journal::message_released> ||
                     std::is_same_v<R, journal::message_acked> ||
                     std::is_same_v<R, journal::inbound_received> ||
                     std::is_same_v<R, journal::inbound_released>)
    a(r.client_id), a(r.packet_id);
  else if constexpr (std::is_same_v<R, journal::message_dropped>)
    a(r.client_id), a(r.id), a(r.packet_id), a(r.in_flight);
  else if constexpr (std::is_same_v<R, journal::retained_set>)
    a(r.id), a(r.message), a(r.expires_at);
  else if constexpr (std::is_same_v<R, journal::retained_cleared>)
    a(r.topic);
  else if constexpr (std::is_same_v<R, journal::packet_id_cycle>)
    a(r.client_id), a(r.last_packet_id);
  else if constexpr (std::is_same_v<R, journal::will_stored>)
    a(r.client_id), a(r.will), a(r.at);
  else if constexpr (std::is_same_v<R, journal::counters>)
    a(r.totals);
  else
    static_assert(sizeof(R) == 0, "a journal record kind the log cannot encode");
}

// A message body's or a will's own fields: both are (topic, payload, qos, retain, properties).
void body_fields(auto& a, auto& m) {
  a(m.topic), a(m.payload), a(m.qos), a(m.retain);
}

struct writer {
  std::string& out;
  client_lists& lists;

  void number(std::uint64_t v) {
    do {
      const auto low = static_cast<char>(v & 0x7F);
      v >>= 7;
      out.push_back(static_cast<char>(low | (v != 0 ? 0x80 : 0)));
    } while (v != 0);
  }
  template <class T>
  requires std::is_integral_v<T> || std::is_enum_v<T>
  void operator()(T v) { number(static_cast<std::uint64_t>(v)); }
  void operator()(std::string_view s) {
    number(s.size());
    out.append(s);
  }
  void operator()(const std::string& s) { (*this)(std::string_view(s)); }
  void present(bool p) { out.push_back(p ? 1 : 0); }
  void operator()(const std::optional<std::string>& s) {
    present(s.has_value());
    if (s) (*this)(*s);
  }
  void operator()(broker::wall_time t) { number(static_cast<std::uint64_t>(to_ms(t))); }
  void operator()(const std::optional<broker::wall_time>& t) {
    present(t.has_value());
    if (t) (*this)(*t);
  }
  void operator()(const std::vector<std::uint32_t>& ids) {
    number(ids.size());
    for (const auto id : ids)
      number(id);
  }
  void operator()(const client_list& clients) {
    number(static_cast<std::uint64_t>(lists.intern(clients).id));
  }
  template <class M>
  requires std::is_same_v<M, codec::publish> || std::is_same_v<M, codec::will_message>
  void operator()(const std::shared_ptr<const M>& m) {
    body_fields(*this, *m);
    (*this)(properties_blob(m->topic, m->props));
  }
  void operator()(const std::shared_ptr<const broker::stats>& t) {
    for (const auto v :
         {t->messages_received, t->messages_sent, t->bytes_received, t->bytes_sent,
          t->publish_dropped, t->slow_consumer_events, t->connections_total, t->protocol_errors})
      number(v);
    number(t->dropped.size());
    for (const auto v : t->dropped)
      number(v);
  }
};

// Every read is checked against the blob's end and the field's range; the first failure sticks.
struct reader {
  std::string_view in;
  const client_lists& lists;
  bool inline_lists = false; // format 1
  bool ok = true;

  std::uint64_t number() {
    std::uint64_t v = 0;
    for (int shift = 0; ok; shift += 7) {
      if (in.empty() || shift > 63) return ok = false, 0;
      const auto b = static_cast<std::uint8_t>(in.front());
      in.remove_prefix(1);
      if (shift == 63 && b > 1) return ok = false, 0;
      v |= std::uint64_t{b & 0x7Fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
    return 0;
  }
  template <class T>
  requires std::is_integral_v<T>
  void operator()(T& v) {
    const auto n = number();
    if (n > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) ok = false;
    v = static_cast<T>(n);
  }
  void operator()(codec::protocol_version& v) {
    const auto n = number();
    if (n != 4 && n != 5) ok = false;
    v = static_cast<codec::protocol_version>(n);
  }
  void operator()(std::string& s) {
    const auto n = number();
    if (!ok || n > in.size()) return void(ok = false);
    s.assign(in.substr(0, n));
    in.remove_prefix(n);
  }
  bool present() {
    std::uint8_t p = 0;
    (*this)(p);
    if (p > 1) ok = false;
    return ok && p == 1;
  }
  void operator()(std::optional<std::string>& s) {
    if (present()) (*this)(s.emplace());
  }
  void operator()(broker::wall_time& t) {
    const auto ms = number();
    if (ms > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / 1'000'000))
      return void(ok = false); // beyond what a time_point holds
    t = from_ms(static_cast<std::int64_t>(ms));
  }
  void operator()(std::optional<broker::wall_time>& t) {
    if (present()) (*this)(t.emplace());
  }
  void operator()(std::vector<std::uint32_t>& ids) {
    const auto n = number();
    if (n > in.size()) return void(ok = false); // each id takes a byte at least
    ids.resize(n);
    for (auto& id : ids)
      (*this)(id);
  }
  void operator()(client_list& clients) {
    if (!inline_lists) {
      const auto id = number();
      if (!ok || id > std::uint64_t{std::numeric_limits<std::int64_t>::max()} ||
          !(clients = lists.find(static_cast<std::int64_t>(id))))
        ok = false;
      return;
    }
    const auto n = number();
    if (n > in.size()) return void(ok = false); // each string takes a byte at least
    auto all = std::make_shared<std::vector<std::string>>(n);
    for (auto& s : *all)
      (*this)(s);
    clients = std::move(all);
  }
  template <class M>
  void operator()(std::shared_ptr<const M>& out) {
    auto m = std::make_shared<M>();
    body_fields(*this, *m);
    std::optional<std::string> props;
    (*this)(props);
    if (ok && m->qos > 2) ok = false;
    if (ok && props && !read_properties(*props, m->props)) ok = false;
    out = std::move(m);
  }
  void operator()(std::shared_ptr<const broker::stats>& out) {
    auto t = std::make_shared<broker::stats>();
    for (auto* f : {&t->messages_received, &t->messages_sent, &t->bytes_received, &t->bytes_sent,
                    &t->publish_dropped, &t->slow_consumer_events, &t->connections_total,
                    &t->protocol_errors})
      *f = number();
    // A file from a build with fewer drop reasons reads with the rest 0; one with more drops the
    // counts this build has no reason for.
    const auto n = number();
    for (std::uint64_t k = 0; k < n && ok; ++k) {
      const auto v = number();
      if (k < t->dropped.size()) t->dropped[k] = v;
    }
    out = std::move(t);
  }
};

// A record of variant index `kind`, default-constructed, to be read into.
template <std::size_t... K>
bool make_record(std::size_t kind, broker::journal_record& r, std::index_sequence<K...>) {
  return ((kind == K ? (r.emplace<K>(), true) : false) || ...);
}

} // namespace

void encode_log(const std::vector<broker::journal_record>& records, client_lists& lists,
                std::string& out) {
  out.push_back(format_version);
  writer w{out, lists};
  for (const auto& r : records) {
    out.push_back(static_cast<char>(r.index()));
    std::visit([&](const auto& rec) { fields(w, rec); }, r);
  }
}

bool decode_log(std::string_view blob, const client_lists& lists,
                std::vector<broker::journal_record>& out) {
  if (blob.empty() || (blob.front() != format_version && blob.front() != format_inline_lists))
    return false;
  reader rd{blob.substr(1), lists, blob.front() == format_inline_lists};
  constexpr auto kinds = std::variant_size_v<broker::journal_record>;
  while (!rd.in.empty()) {
    const auto kind = static_cast<std::uint8_t>(rd.in.front());
    rd.in.remove_prefix(1);
    broker::journal_record r;
    if (!make_record(kind, r, std::make_index_sequence<kinds>{})) return false;
    std::visit([&](auto& rec) { fields(rd, rec); }, r);
    if (!rd.ok) return false;
    out.push_back(std::move(r));
  }
  return true;
}

} // namespace mqtk::store::detail
