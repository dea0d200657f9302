// SPDX-License-Identifier: MIT
// Properties to and from the codec's own encoding.
#include "message_blob.hpp"

#include "mqtk/codec/decoder.hpp"
#include "mqtk/codec/encoder.hpp"

namespace mqtk::store::detail {

std::optional<std::string> properties_blob(const std::string& topic, const codec::properties& p) {
  if (p == codec::properties{}) return std::nullopt;
  codec::publish carrier;
  carrier.topic = topic;
  carrier.props = p;
  carrier.props.will_delay_interval.reset(); // a will's: its due time is stored instead
  buffer b;
  if (!codec::encode(carrier, codec::protocol_version::v5, b)) return std::nullopt;
  return std::string(b.begin(), b.end());
}

bool read_properties(std::string_view blob, codec::properties& out) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(blob.data());
  auto decoded = codec::decode(byte_view(p, blob.size()), codec::protocol_version::v5);
  if (!decoded) return false;
  auto* pub = std::get_if<codec::publish>(&*decoded);
  if (pub == nullptr) return false;
  out = std::move(pub->props);
  return true;
}

} // namespace mqtk::store::detail
