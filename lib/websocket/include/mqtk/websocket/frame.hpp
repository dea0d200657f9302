// SPDX-License-Identifier: MIT
// RFC 6455 framing as MQTT uses it (section 6 of the MQTT specs): binary data frames carry the
// MQTT byte stream, control frames are answered, everything else closes the connection.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "mqtk/core/bytes.hpp"

namespace mqtk::websocket {

/// Which end we are: a client masks what it sends and must receive unmasked frames, a server the
/// reverse (RFC 6455 §5.1).
enum class role { client, server };

enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

/// Close status codes (RFC 6455 §7.4.1) mqtk sends.
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t no_status = 1005; ///< never sent: a close frame without a code
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t too_big = 1009;
} // namespace close_code

/// A control frame received whole (at most 125 bytes of payload).
struct control_frame {
  opcode op = opcode::ping;
  std::string payload; ///< unmasked
};

/// What one feed() found besides data: control frames in order, and whether the peer broke the
/// protocol (then `fail_code` is the close code to answer with and `why` says what happened).
struct feed_result {
  std::vector<control_frame> controls;
  std::uint16_t fail_code = 0;
  std::string why;
  bool failed() const noexcept { return fail_code != 0; }
};

/// Streaming frame decoder. Data bytes are passed on as they arrive (a frame need not be whole),
/// so an MQTT packet may span frames and a frame may hold several packets. After a failure or a
/// close frame, further input is ignored.
class decoder {
public:
  /// `max_frame`: the largest data frame payload accepted (1009 Message Too Big beyond it).
  decoder(role we_are, std::uint64_t max_frame) noexcept : role_(we_are), max_frame_(max_frame) {}

  /// Appends the unmasked payload of binary frames (and their continuations) to `data`.
  void feed(byte_view in, buffer& data, feed_result& out);
  /// True once a close frame was received or the peer failed the protocol.
  bool done() const noexcept { return done_; }

private:
  enum class state { header, payload };
  bool parse_header(feed_result& out);
  bool start_frame(feed_result& out);
  void finish_control(feed_result& out);
  bool fail(feed_result& out, std::uint16_t code, std::string why);

  role role_;
  std::uint64_t max_frame_;
  state state_ = state::header;
  std::array<std::uint8_t, 14> head_{};
  std::size_t head_len_ = 0;
  bool fin_ = false;
  opcode op_ = opcode::binary;
  bool masked_ = false;
  std::array<std::uint8_t, 4> mask_{};
  std::uint64_t remaining_ = 0;
  std::uint64_t offset_ = 0; // into the frame's payload, for the mask
  bool in_message_ = false;  // a fragmented binary message is open
  std::string control_;
  bool done_ = false;
};

/// Appends a whole frame. With `mask` (a client), the payload is masked with it (§5.3).
void put_frame(buffer& out, opcode op, byte_view payload, const std::array<std::uint8_t, 4>* mask);
/// Appends a close frame with `code` and a reason (cut to fit 125 bytes).
void put_close(buffer& out, std::uint16_t code, std::string_view reason,
               const std::array<std::uint8_t, 4>* mask);
/// The code and reason of a received close frame's payload, or a protocol error code when the
/// payload is malformed (1 byte, a code not allowed on the wire, a reason not UTF-8).
struct close_info {
  std::uint16_t code = close_code::no_status;
  std::string reason;
  std::uint16_t fail_code = 0;
};
close_info parse_close(const std::string& payload);

} // namespace mqtk::websocket
