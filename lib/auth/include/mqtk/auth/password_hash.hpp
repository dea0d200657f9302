// SPDX-License-Identifier: MIT
// Password hashing for the password file, through OpenSSL (libmqtk-openssl.so, loaded on first
// use). Slow on purpose for $7$: the broker runs it on worker threads, never its event loop.
#pragma once

#include <string>
#include <string_view>

#include "mqtk/auth/password_file.hpp"

namespace mqtk::auth {

/// OWASP's 2023 guidance for PBKDF2-HMAC-SHA512; affordable since the broker caches
/// successful checks.
inline constexpr unsigned default_iterations = 210'000;
/// For SCRAM verifiers: every client hashes at every connection (it cannot be cached on the
/// server's side), so the count is lower; RFC 7677 asks for at least 4096.
inline constexpr unsigned default_scram_iterations = 10'000;

/// A new entry for `password` with a fresh 12-byte salt (mosquitto's size; 16 for SCRAM). `why` is
/// set and the entry's digest empty when OpenSSL cannot be loaded.
password_entry make_entry(std::string_view password, hash_kind kind, unsigned iterations,
                          std::string& why);

/// Whether `password` matches `e`, compared in constant time. Thread-safe.
bool verify(const password_entry& e, std::string_view password, std::string& why);

} // namespace mqtk::auth
