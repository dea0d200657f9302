// SPDX-License-Identifier: MIT
// A count of bytes that also adds itself into a shared total, such as a broker's budget over
// every session's queue. Moving it moves its share; destroying it takes its share back out.
#pragma once

#include <cstddef>

namespace mqtk::session {

class byte_account {
public:
  byte_account() = default;
  byte_account(byte_account&& o) noexcept : own_(o.own_), total_(o.total_) {
    o.own_ = 0;
    o.total_ = nullptr;
  }
  byte_account& operator=(byte_account&& o) noexcept {
    if (this != &o) {
      leave();
      own_ = o.own_;
      total_ = o.total_;
      o.own_ = 0;
      o.total_ = nullptr;
    }
    return *this;
  }
  byte_account(const byte_account&) = delete;
  byte_account& operator=(const byte_account&) = delete;
  ~byte_account() { leave(); }

  /// From now on, this count is part of `*total` (nullptr: of no total).
  void share_in(std::size_t* total) noexcept {
    if (total == total_) return;
    leave();
    total_ = total;
    if (total_) *total_ += own_;
  }
  void add(std::size_t n) noexcept {
    own_ += n;
    if (total_) *total_ += n;
  }
  void sub(std::size_t n) noexcept {
    own_ -= n;
    if (total_) *total_ -= n;
  }
  std::size_t value() const noexcept { return own_; }

private:
  void leave() noexcept {
    if (total_) *total_ -= own_;
    total_ = nullptr;
  }
  std::size_t own_ = 0;
  std::size_t* total_ = nullptr;
};

} // namespace mqtk::session
