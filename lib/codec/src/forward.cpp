// SPDX-License-Identifier: MIT
// The broker's per-subscriber PUBLISH encoder.
#include "mqtk/codec/forward.hpp"

#include <algorithm>

#include "wire.hpp"

namespace mqtk::codec {
namespace {

// Design: the message's properties are written as they are unless this subscriber needs its own
// Subscription Identifiers or a reduced Message Expiry Interval; only then is a copy made.
void write_props(detail::writer& w, const publish& m, const forward_fields& f) {
  if (f.subscription_ids.empty() && !f.message_expiry && f.topic_alias == 0)
    return detail::write_properties(w, m.props);
  properties p = m.props;
  p.subscription_identifiers.assign(f.subscription_ids.begin(), f.subscription_ids.end());
  if (f.message_expiry) p.message_expiry_interval = f.message_expiry;
  if (f.topic_alias != 0) p.topic_alias = f.topic_alias;
  detail::write_properties(w, p);
}

void head(detail::writer& w, const publish& m, const forward_fields& f, protocol_version v) {
  const bool aliased = f.alias_known && f.topic_alias != 0 && v == protocol_version::v5;
  w.string(aliased ? std::string_view{}
                   : std::string_view(m.topic).substr(std::min(f.topic_skip, m.topic.size())));
  if (f.qos > 0) w.u16(f.packet_id);
  if (v == protocol_version::v5) write_props(w, m, f);
}

void body(detail::writer& w, const publish& m, const forward_fields& f, protocol_version v) {
  head(w, m, f, v);
  w.raw(m.payload);
}

result<std::uint32_t> body_size(const publish& m, const forward_fields& f, protocol_version v) {
  if (f.qos > 2) return unexpected(errc::qos_invalid);
  if (f.qos > 0 && f.packet_id == 0) return unexpected(errc::packet_id_zero);
  if (m.topic.size() > 0xFFFF) return unexpected(errc::string_too_long);
  detail::writer counter;
  body(counter, m, f, v);
  if (counter.size() > varint::max_value) return unexpected(errc::packet_too_large);
  return static_cast<std::uint32_t>(counter.size());
}

} // namespace

result<std::size_t> forward_size(const publish& m, const forward_fields& f, protocol_version v) {
  auto n = body_size(m, f, v);
  if (!n) return unexpected(n.error());
  return 1 + varint::size(*n) + std::size_t{*n};
}

namespace {
result<void> encode(const publish& m, const forward_fields& f, protocol_version v, buffer& out,
                    bool with_payload) {
  auto n = body_size(m, f, v);
  if (!n) return unexpected(n.error());
  const bool dup = f.dup && f.qos > 0;
  out.push_back(
      static_cast<std::uint8_t>(0x30 | (dup ? 0x08 : 0) | f.qos << 1 | (f.retain ? 1 : 0)));
  varint::append(*n, out);
  detail::writer w(&out);
  if (with_payload)
    body(w, m, f, v);
  else
    head(w, m, f, v);
  return {};
}
} // namespace

result<void> encode_forward(const publish& m, const forward_fields& f, protocol_version v,
                            buffer& out) {
  return encode(m, f, v, out, true);
}

result<void> encode_forward_head(const publish& m, const forward_fields& f, protocol_version v,
                                 buffer& out) {
  return encode(m, f, v, out, false);
}

} // namespace mqtk::codec
