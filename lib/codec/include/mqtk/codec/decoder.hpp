// SPDX-License-Identifier: MIT
// Decoding control packets: whole frames, and an incremental stream decoder for any chunking.
#pragma once

#include <cstdint>
#include <optional>

#include "mqtk/codec/packets.hpp"
#include "mqtk/core/bytes.hpp"
#include "mqtk/core/result.hpp"

namespace mqtk::codec {

/// The fixed header of a packet (section 2.1.1).
struct fixed_header {
  packet_type type;
  std::uint8_t flags;
  std::uint32_t remaining_length;
  std::uint8_t size; ///< bytes of the fixed header itself: 2 to 5
  std::size_t total() const noexcept { return size + std::size_t{remaining_length}; }
};

/// Parses a fixed header from the front of `in`: nullopt when more bytes are needed; errors for
/// a reserved packet type, reserved flags or a bad Remaining Length. AUTH is rejected in 3.1.1.
result<std::optional<fixed_header>> parse_fixed_header(byte_view in, protocol_version v);

/// Decodes one complete packet: `frame` holds exactly the fixed header and the body. A CONNECT
/// is decoded in the version its protocol level names, whatever `v` says.
result<packet> decode(byte_view frame, protocol_version v);

/// decode() for a frame held in a string the caller gives up: a PUBLISH's payload becomes that
/// very string (its head moved down in place), so a large message is never copied.
result<packet> decode_taking(std::string&& frame, protocol_version v);

/// The largest remaining length MQTT can express, plus the longest fixed header.
inline constexpr std::uint32_t max_packet_size_limit = 268'435'455 + 5;

/// An incremental decoder: feed() bytes in any chunking, then call next() until it says it needs
/// more. Complete packets are decoded straight from the fed view; only a partial tail is copied,
/// and that copy is freed once the packet completes, so an idle connection holds no buffer.
/// Errors are sticky: after one, next() keeps returning it.
/// Thread safety: none; one decoder per connection.
class stream_decoder {
public:
  explicit stream_decoder(protocol_version v = protocol_version::v5,
                          std::uint32_t max_packet_size = max_packet_size_limit)
      : version_(v), max_packet_size_(max_packet_size) {}

  /// Hands the decoder new bytes. They must stay valid until next() reports "need more".
  void feed(byte_view bytes);
  /// The next packet; nullopt when more bytes are needed (not an error); an error naming the
  /// violated rule (see errc and reason_for()). A packet whose fixed header announces more than the
  /// maximum packet size is rejected before its body is buffered.
  result<std::optional<packet>> next();
  /// Copies the fed bytes not yet consumed, so the fed view may go before next() drained it (a
  /// broker holding a connection's packets while its CONNECT is being authenticated); next()
  /// then takes packets from the copy in order.
  void hold();

  void set_version(protocol_version v) noexcept { version_ = v; }
  protocol_version version() const noexcept { return version_; }
  void set_max_packet_size(std::uint32_t n) noexcept { max_packet_size_ = n; }
  /// A client that announced its maximum packet size trusts it: a large PUBLISH then gets its
  /// whole announced size reserved at its fixed header (pages cost nothing until bytes arrive),
  /// so gathering it never reallocates. A server keeps growing with what arrives.
  void set_reserve_announced(bool on) noexcept { reserve_announced_ = on; }
  /// Bytes held for an incomplete packet (those not yet consumed from the fed view excluded).
  std::size_t buffered() const noexcept { return tail_.size() + large_.size(); }
  /// The whole size of the packet being buffered, from its fixed header (0 when nothing is
  /// buffered or the header is not complete yet): what it will cost once complete.
  std::size_t awaited() const noexcept;
  /// After errc::packet_too_large: the size the refused packet's fixed header announced, for
  /// the log (the limit is the caller's own).
  std::uint32_t rejected_size() const noexcept { return max_packet_size_; }

private:
  result<std::optional<packet>> next_from_tail();
  result<std::optional<packet>> next_from_large();
  bool start_large(byte_view held, const fixed_header& h);
  result<std::optional<packet>> first_of_held(std::size_t total);
  result<std::optional<fixed_header>> header_of(byte_view in);

  protocol_version version_;
  // Design: after packet_too_large (errors are sticky, so the limit is not needed any more) this
  // holds the size that was refused: no field of its own in every connection's decoder.
  std::uint32_t max_packet_size_;
  bool reserve_announced_ = false;
  byte_view view_;
  buffer tail_;
  // Design: a large PUBLISH is gathered here rather than in tail_, in the string that becomes
  // its payload (decode_taking), so a 200 MB message costs one copy of itself, not two.
  std::string large_;
  std::error_code error_;
};

} // namespace mqtk::codec
