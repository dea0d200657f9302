// SPDX-License-Identifier: MIT
// result<T>: a value or a std::error_code, a small subset of std::expected<T, std::error_code>.
#pragma once

#include <cassert>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace mqtk {

/// Carries an error into a result<T>, as std::unexpected does for std::expected.
struct unexpected {
  std::error_code error;
  explicit unexpected(std::error_code ec) : error(ec) {}
  template <class E, class = std::enable_if_t<std::is_error_code_enum_v<E>>>
  explicit unexpected(E e) : error(make_error_code(e)) {}
};

/// A fallible return value. Accessing the value of a failed result is a programmer error (asserts).
/// Thread safety: a value type; distinct objects may be used from distinct threads.
template <class T>
class [[nodiscard]] result {
public:
  result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  result(unexpected u) : state_(std::in_place_index<1>, u.error) {}

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return check(), std::get<0>(state_); }
  const T& value() const& { return check(), std::get<0>(state_); }
  T&& value() && { return check(), std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  /// The error; an empty error_code when the result holds a value.
  std::error_code error() const noexcept {
    return has_value() ? std::error_code{} : std::get<1>(state_);
  }

private:
  void check() const { assert(has_value() && "value() of a failed result"); }
  std::variant<T, std::error_code> state_;
};

/// result<void>: success or an error.
template <>
class [[nodiscard]] result<void> {
public:
  result() = default;
  result(unexpected u) : error_(u.error) {}
  bool has_value() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return has_value(); }
  std::error_code error() const noexcept { return error_; }

private:
  std::error_code error_;
};

} // namespace mqtk
