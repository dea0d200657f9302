// SPDX-License-Identifier: MIT
// Encoding control packets: append one packet's bytes to a caller's buffer.
#pragma once

#include "mqtk/codec/packets.hpp"
#include "mqtk/core/bytes.hpp"
#include "mqtk/core/result.hpp"

namespace mqtk::codec {

/// Appends the encoding of `p` in version `v` to `out`. On error `out` is left as it was.
/// Errors: errc::v5_only_field (a property, reason code or AUTH in 3.1.1), errc::string_too_long,
/// errc::qos_invalid, errc::packet_id_zero, errc::subscribe_empty, errc::unsubscribe_empty,
/// errc::packet_too_large (remaining length over 268,435,455). The version of a CONNECT is its
/// own `version` field; `v` is ignored for it.
result<void> encode(const packet& p, protocol_version v, buffer& out);

/// The number of bytes encode() would append, or its error.
result<std::size_t> encoded_size(const packet& p, protocol_version v);

} // namespace mqtk::codec
