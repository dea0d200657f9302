// SPDX-License-Identifier: MIT
// Internal: a bounds-checked reader with a sticky error, and a writer that counts or appends.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "mqtk/codec/properties.hpp"
#include "mqtk/core/bytes.hpp"
#include "mqtk/core/errc.hpp"
#include "mqtk/core/utf8.hpp"
#include "mqtk/core/varint.hpp"

namespace mqtk::codec::detail {

// Design: the reader keeps the first error and, once failed, reads as empty. Decoders read field
// after field and check ok() where a value steers control flow, instead of testing every read.
class reader {
public:
  explicit reader(byte_view in) noexcept : p_(in.data()), end_(in.data() + in.size()) {}

  std::size_t remaining() const noexcept { return static_cast<std::size_t>(end_ - p_); }
  bool ok() const noexcept { return !error_; }
  std::error_code error() const noexcept { return error_; }
  void fail(std::error_code ec) noexcept {
    if (!error_) error_ = ec;
    p_ = end_;
  }

  std::uint8_t u8() noexcept {
    if (!need(1)) return 0;
    return *p_++;
  }
  std::uint16_t u16() noexcept {
    if (!need(2)) return 0;
    const auto v = static_cast<std::uint16_t>(p_[0] << 8 | p_[1]);
    p_ += 2;
    return v;
  }
  std::uint32_t u32() noexcept {
    if (!need(4)) return 0;
    const std::uint32_t v = std::uint32_t{p_[0]} << 24 | std::uint32_t{p_[1]} << 16 |
                            std::uint32_t{p_[2]} << 8 | std::uint32_t{p_[3]};
    p_ += 4;
    return v;
  }
  std::uint32_t varint() noexcept {
    auto r = varint::decode(byte_view(p_, remaining()));
    if (!r) {
      fail(r.error());
      return 0;
    }
    if (r->size == 0) {
      fail(errc::truncated);
      return 0;
    }
    p_ += r->size;
    return r->value;
  }
  byte_view take(std::size_t n) noexcept {
    if (!need(n)) return {};
    byte_view v(p_, n);
    p_ += n;
    return v;
  }
  /// Two-byte length then bytes, no text rules.
  std::string binary() {
    const auto n = u16();
    const auto v = take(n);
    return {reinterpret_cast<const char*>(v.data()), v.size()};
  }
  /// A UTF-8 Encoded String, validated [MQTT-1.5.4-1] [MQTT-1.5.4-2].
  std::string utf8() {
    std::string s = binary();
    if (auto ec = utf8::validate(s)) fail(ec);
    return s;
  }
  /// Everything left (a PUBLISH payload).
  std::string rest() {
    std::string s(reinterpret_cast<const char*>(p_), remaining());
    p_ = end_;
    return s;
  }

private:
  bool need(std::size_t n) noexcept {
    if (remaining() >= n) return true;
    fail(errc::truncated);
    return false;
  }
  const std::uint8_t* p_;
  const std::uint8_t* end_;
  std::error_code error_;
};

// Design: one writer type for both passes of encoding. With no buffer it only counts, so that the
// Remaining Length (and each Property Length) is known before the bytes are appended.
class writer {
public:
  explicit writer(buffer* out = nullptr) noexcept : out_(out) {}
  std::size_t size() const noexcept { return n_; }

  void u8(std::uint8_t v) { put(&v, 1); }
  void u16(std::uint16_t v) {
    const std::uint8_t b[2] = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    put(b, 2);
  }
  void u32(std::uint32_t v) {
    const std::uint8_t b[4] = {static_cast<std::uint8_t>(v >> 24),
                               static_cast<std::uint8_t>(v >> 16),
                               static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    put(b, 4);
  }
  void varint(std::uint32_t v) {
    std::uint8_t b[4];
    put(b, varint::encode(v, b));
  }
  /// Two-byte length and the bytes; callers check the 65,535 bound before encoding.
  void string(std::string_view s) {
    u16(static_cast<std::uint16_t>(s.size()));
    raw(s);
  }
  void raw(std::string_view s) { put(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

private:
  void put(const std::uint8_t* p, std::size_t n) {
    n_ += n;
    if (out_ != nullptr) out_->insert(out_->end(), p, p + n);
  }
  buffer* out_;
  std::size_t n_ = 0;
};

/// Reads a Property Length and the properties after it into `out`, enforcing placement, repeats
/// and value ranges for `ctx`.
void read_properties(reader& r, property_context ctx, properties& out);

/// Writes a Property Length and the properties.
void write_properties(writer& w, const properties& props);

/// Checks the string lengths of `props` against 65,535.
bool properties_fit(const properties& props) noexcept;

} // namespace mqtk::codec::detail
