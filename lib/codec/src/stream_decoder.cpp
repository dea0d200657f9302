// SPDX-License-Identifier: MIT
// The incremental decoder: packets straight from the fed view, only partial tails copied.
#include "mqtk/codec/decoder.hpp"

#include <algorithm>
#include <new>

#include "mqtk/core/errc.hpp"

namespace mqtk::codec {

void stream_decoder::feed(byte_view bytes) {
  // Bytes fed before the previous view was drained are kept in order behind it (in tail_: a
  // large PUBLISH being gathered moves there first, so one buffer holds them all, in order).
  if (!view_.empty()) {
    if (!large_.empty()) {
      tail_.assign(large_.begin(), large_.end());
      std::string().swap(large_);
    }
    tail_.insert(tail_.end(), view_.begin(), view_.end());
    view_ = {};
  }
  view_ = bytes;
}

result<std::optional<fixed_header>> stream_decoder::header_of(byte_view in) {
  auto h = parse_fixed_header(in, version_);
  if (h && *h && (*h)->total() > max_packet_size_) {
    max_packet_size_ = static_cast<std::uint32_t>(std::min<std::size_t>((*h)->total(), UINT32_MAX));
    return unexpected(errc::packet_too_large);
  }
  return h;
}

// From this size on a PUBLISH is gathered in large_; smaller ones are not worth the string.
constexpr std::size_t large_publish = 64 * 1024;

// Starts gathering the PUBLISH whose first bytes are `held` in large_, when it is one.
bool stream_decoder::start_large(byte_view held, const fixed_header& h) {
  if (h.type != packet_type::publish || h.total() < large_publish || held.size() >= h.total())
    return false;
  const std::size_t grown = std::min(h.total(), 2 * held.size());
  try {
    large_.reserve(reserve_announced_ ? h.total() : grown);
  } catch (const std::bad_alloc&) { // address space short (ulimit -v): grow with what arrives
    large_.reserve(grown);
  }
  large_.assign(reinterpret_cast<const char*>(held.data()), held.size());
  return true;
}

result<std::optional<packet>> stream_decoder::next() {
  if (error_) return unexpected(error_);
  if (!large_.empty()) return next_from_large();
  if (!tail_.empty()) return next_from_tail();
  if (view_.empty()) return std::optional<packet>{};

  auto h = header_of(view_);
  if (!h) {
    error_ = h.error();
    return unexpected(error_);
  }
  if (!*h || (*h)->total() > view_.size()) {
    // Keep the partial packet. The buffer grows with the bytes that arrive, never with the length
    // a header announces, so a peer that announces 268 MB and goes silent costs what it sent.
    if (!*h || !start_large(view_, **h)) tail_.assign(view_.begin(), view_.end());
    view_ = {};
    return std::optional<packet>{};
  }
  const auto frame = view_.first((*h)->total());
  view_ = view_.subspan(frame.size());
  auto p = decode(frame, version_);
  if (!p) {
    error_ = p.error();
    return unexpected(error_);
  }
  return std::optional<packet>(std::move(*p));
}

std::size_t stream_decoder::awaited() const noexcept {
  if (tail_.empty() && large_.empty()) return 0;
  const auto held = large_.empty() ? byte_view(tail_)
                                   : byte_view(reinterpret_cast<const std::uint8_t*>(large_.data()),
                                               large_.size());
  const auto h = parse_fixed_header(held, version_);
  return h && *h ? (*h)->total() : 0;
}

void stream_decoder::hold() {
  if (!large_.empty()) { // rare (a large PUBLISH right behind CONNECT): gather it as any tail
    tail_.assign(large_.begin(), large_.end());
    std::string().swap(large_);
  }
  tail_.insert(tail_.end(), view_.begin(), view_.end());
  view_ = {};
}

result<std::optional<packet>> stream_decoder::first_of_held(std::size_t total) {
  auto p = decode(byte_view(tail_).first(total), version_);
  tail_.erase(tail_.begin(), tail_.begin() + static_cast<std::ptrdiff_t>(total));
  if (!p) {
    error_ = p.error();
    return unexpected(error_);
  }
  return std::optional<packet>(std::move(*p));
}

result<std::optional<packet>> stream_decoder::next_from_tail() {
  for (;;) {
    auto h = header_of(tail_);
    if (!h) {
      error_ = h.error();
      return unexpected(error_);
    }
    if (!*h) { // the fixed header itself is incomplete: move one byte at a time (at most 4)
      if (view_.empty()) return std::optional<packet>{};
      tail_.push_back(view_.front());
      view_ = view_.subspan(1);
      continue;
    }
    const std::size_t total = (*h)->total();
    if (tail_.size() > total) return first_of_held(total); // hold() kept several packets
    if (start_large(tail_, **h)) {
      buffer().swap(tail_);
      return next_from_large();
    }
    const std::size_t take = std::min(total - tail_.size(), view_.size());
    // Grow geometrically, but never past the packet: a 200 MB PUBLISH costs 200 MB, not 256.
    if (tail_.size() + take > tail_.capacity())
      tail_.reserve(std::min(total, std::max(2 * tail_.capacity(), tail_.size() + take)));
    tail_.insert(tail_.end(), view_.begin(), view_.begin() + static_cast<std::ptrdiff_t>(take));
    view_ = view_.subspan(take);
    if (tail_.size() < total) return std::optional<packet>{};
    auto p = decode(tail_, version_);
    buffer().swap(tail_); // release the memory: idle connections hold no buffer
    if (!p) {
      error_ = p.error();
      return unexpected(error_);
    }
    return std::optional<packet>(std::move(*p));
  }
}

result<std::optional<packet>> stream_decoder::next_from_large() {
  const auto h = parse_fixed_header(
      byte_view(reinterpret_cast<const std::uint8_t*>(large_.data()), large_.size()), version_);
  const std::size_t total = (*h)->total(); // checked when large_ was started
  const std::size_t take = std::min(total - large_.size(), view_.size());
  // Grow geometrically, but never past the packet, as for the tail.
  if (large_.size() + take > large_.capacity())
    large_.reserve(std::min(total, std::max(2 * large_.capacity(), large_.size() + take)));
  large_.append(reinterpret_cast<const char*>(view_.data()), take);
  view_ = view_.subspan(take);
  if (large_.size() < total) return std::optional<packet>{};
  auto p = decode_taking(std::move(large_), version_);
  std::string().swap(large_); // whatever the move left behind
  if (!p) {
    error_ = p.error();
    return unexpected(error_);
  }
  return std::optional<packet>(std::move(*p));
}

} // namespace mqtk::codec
