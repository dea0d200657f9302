// SPDX-License-Identifier: MIT
// The hashes behind password files and SCRAM, done by OpenSSL in libmqtk-openssl.so (loaded on
// first use, so a tool that never checks a password never pays for OpenSSL).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/core/bytes.hpp"

namespace mqtk::transport::crypto {

enum class digest : std::uint8_t { sha256, sha512 };

/// The digest's output size in bytes (32 or 64).
constexpr std::size_t size(digest d) noexcept {
  return d == digest::sha256 ? 32 : 64;
}

using bytes = std::vector<std::uint8_t>;

/// digest(a || b); empty, with `why`, when the module cannot be loaded.
bytes hash(digest d, byte_view a, byte_view b, std::string& why);
/// PBKDF2-HMAC-digest (RFC 8018) of `length` bytes; empty with `why` on failure.
bytes pbkdf2(digest d, byte_view password, byte_view salt, unsigned iterations, std::size_t length,
             std::string& why);
/// HMAC-digest of `data` under `key`; empty with `why` on failure.
bytes hmac(digest d, byte_view key, byte_view data, std::string& why);
/// True when a and b hold the same bytes; for equal sizes, in time independent of the contents.
bool equal(byte_view a, byte_view b);
/// `n` random bytes from OpenSSL's generator; empty with `why` on failure.
bytes random(std::size_t n, std::string& why);

} // namespace mqtk::transport::crypto
