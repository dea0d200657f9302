// SPDX-License-Identifier: MIT
// RFC 6455 §5 framing. Every rule a receiver must enforce is checked here, with the close code the
// RFC names for it: 1002 for framing errors, 1003 for text frames [MQTT-6.0.0-1], 1007 for a close
// reason that is not UTF-8, 1009 for a frame over the maximum.
#include "mqtk/websocket/frame.hpp"

#include <algorithm>

#include "mqtk/core/utf8.hpp"

namespace mqtk::websocket {
namespace {

bool is_control(opcode op) noexcept {
  return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}

bool known(std::uint8_t op) noexcept {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

// Codes an endpoint may put in a close frame (§7.4.1, §7.4.2): 1004-1006 and 1015 are reserved
// for reporting, 1016-2999 unassigned, under 1000 unused.
bool sendable(std::uint16_t code) noexcept {
  if (code >= 3000 && code <= 4999) return true;
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

void put_header(buffer& out, opcode op, std::uint64_t len, bool masked) {
  out.push_back(static_cast<std::uint8_t>(0x80 | static_cast<std::uint8_t>(op)));
  const std::uint8_t mask_bit = masked ? 0x80 : 0;
  if (len < 126) {
    out.push_back(static_cast<std::uint8_t>(mask_bit | len));
  } else if (len <= 0xFFFF) {
    out.push_back(mask_bit | 126);
    out.push_back(static_cast<std::uint8_t>(len >> 8));
    out.push_back(static_cast<std::uint8_t>(len));
  } else {
    out.push_back(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<std::uint8_t>(len >> shift));
  }
}

} // namespace

bool decoder::fail(feed_result& out, std::uint16_t code, std::string why) {
  out.fail_code = code;
  out.why = std::move(why);
  done_ = true;
  return false;
}

// True when the header is complete (and valid); false when more bytes are needed or it failed.
bool decoder::parse_header(feed_result& out) {
  if (head_len_ < 2) return false;
  const std::uint8_t len7 = head_[1] & 0x7F;
  const bool masked = (head_[1] & 0x80) != 0;
  const std::size_t need = 2 + (len7 == 126 ? 2u : len7 == 127 ? 8u : 0u) + (masked ? 4u : 0u);
  if (head_len_ < need) return false;
  fin_ = (head_[0] & 0x80) != 0;
  masked_ = masked;
  std::size_t at = 2;
  std::uint64_t len = len7;
  if (len7 == 126) {
    len = (std::uint64_t{head_[2]} << 8) | head_[3];
    at = 4;
    if (len < 126) return fail(out, close_code::protocol_error, "frame length not minimal");
  } else if (len7 == 127) {
    len = 0;
    for (std::size_t i = 0; i < 8; ++i)
      len = (len << 8) | head_[2 + i];
    at = 10;
    if (len >> 63) return fail(out, close_code::protocol_error, "frame length with bit 63 set");
    if (len <= 0xFFFF) return fail(out, close_code::protocol_error, "frame length not minimal");
  }
  if (masked_) std::copy_n(head_.begin() + static_cast<std::ptrdiff_t>(at), 4, mask_.begin());
  remaining_ = len;
  return start_frame(out);
}

bool decoder::start_frame(feed_result& out) {
  if ((head_[0] & 0x70) != 0)
    return fail(out, close_code::protocol_error, "reserved bits set (no extension agreed)");
  const std::uint8_t raw = head_[0] & 0x0F;
  if (!known(raw)) return fail(out, close_code::protocol_error, "reserved opcode");
  op_ = static_cast<opcode>(raw);
  if (role_ == role::server && !masked_)
    return fail(out, close_code::protocol_error, "unmasked frame from a client");
  if (role_ == role::client && masked_)
    return fail(out, close_code::protocol_error, "masked frame from a server");
  if (is_control(op_)) {
    if (!fin_) return fail(out, close_code::protocol_error, "fragmented control frame");
    if (remaining_ > 125) return fail(out, close_code::protocol_error, "control frame over 125");
    control_.clear();
  } else if (op_ == opcode::text) {
    return fail(out, close_code::unsupported_data, "text frame: MQTT needs binary frames");
  } else {
    if (op_ == opcode::binary && in_message_)
      return fail(out, close_code::protocol_error, "new message inside a fragmented one");
    if (op_ == opcode::continuation && !in_message_)
      return fail(out, close_code::protocol_error, "continuation without a message");
    if (remaining_ > max_frame_) return fail(out, close_code::too_big, "frame over the maximum");
    in_message_ = !fin_;
  }
  state_ = state::payload;
  offset_ = 0;
  head_len_ = 0;
  return true;
}

void decoder::finish_control(feed_result& out) {
  if (op_ != opcode::close) {
    out.controls.push_back({op_, std::move(control_)});
    control_.clear();
    return;
  }
  const auto info = parse_close(control_);
  if (info.fail_code != 0) {
    fail(out, info.fail_code, "malformed close frame");
    return;
  }
  out.controls.push_back({opcode::close, std::move(control_)});
  control_.clear();
  done_ = true;
}

void decoder::feed(byte_view in, buffer& data, feed_result& out) {
  std::size_t i = 0;
  while (!done_ && (i < in.size() || (state_ == state::payload && remaining_ == 0))) {
    if (state_ == state::header) {
      // Take header bytes one at a time up to what the header turns out to need (at most 14).
      head_[head_len_++] = in[i++];
      parse_header(out);
      continue;
    }
    const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - i));
    const bool control = is_control(op_);
    for (std::size_t k = 0; k < take; ++k) {
      auto b = in[i + k];
      if (masked_) b ^= mask_[(offset_ + k) & 3];
      if (control)
        control_.push_back(static_cast<char>(b));
      else
        data.push_back(b);
    }
    i += take;
    offset_ += take;
    remaining_ -= take;
    if (remaining_ == 0) {
      state_ = state::header;
      if (control) finish_control(out);
    }
  }
}

void put_frame(buffer& out, opcode op, byte_view payload, const std::array<std::uint8_t, 4>* mask) {
  put_header(out, op, payload.size(), mask != nullptr);
  if (!mask) {
    out.insert(out.end(), payload.begin(), payload.end());
    return;
  }
  out.insert(out.end(), mask->begin(), mask->end());
  const auto at = out.size();
  out.resize(at + payload.size());
  for (std::size_t k = 0; k < payload.size(); ++k)
    out[at + k] = payload[k] ^ (*mask)[k & 3];
}

void put_close(buffer& out, std::uint16_t code, std::string_view reason,
               const std::array<std::uint8_t, 4>* mask) {
  std::string body;
  body.push_back(static_cast<char>(code >> 8));
  body.push_back(static_cast<char>(code & 0xFF));
  body.append(reason.substr(0, 123));
  put_frame(out, opcode::close, as_bytes(body), mask);
}

close_info parse_close(const std::string& payload) {
  close_info r;
  if (payload.empty()) return r;
  if (payload.size() == 1) {
    r.fail_code = close_code::protocol_error;
    return r;
  }
  r.code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                      static_cast<std::uint8_t>(payload[1]));
  r.reason = payload.substr(2);
  if (!sendable(r.code))
    r.fail_code = close_code::protocol_error;
  else if (!utf8::is_well_formed(r.reason))
    r.fail_code = close_code::invalid_payload;
  return r;
}

} // namespace mqtk::websocket
