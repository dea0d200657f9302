// SPDX-License-Identifier: MIT
// mosquitto's password file, read and written as mosquitto 2.0 does: one `user:HASH` line per
// account, HASH being `$7$ITERATIONS$SALT$DIGEST` (PBKDF2-HMAC-SHA512) or `$6$SALT$DIGEST`
// (SHA-512 of the password then the salt), salt and digest in base64. mqtk adds SCRAM
// verifiers (RFC 5802), `$scram-sha-256$ITERATIONS$SALT$STOREDKEY$SERVERKEY` (and -512), which
// serve SCRAM logins and plain ones; mosquitto does not read such lines. Pure text handling;
// the hashing is in password_hash.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mqtk::auth {

/// A line of a file that could not be used, with its 1-based number.
struct file_problem {
  std::size_t line = 0;
  std::string what;
};

enum class hash_kind : std::uint8_t {
  sha512,        ///< $6$: one SHA-512 of password || salt (mosquitto 1.6 and older)
  sha512_pbkdf2, ///< $7$: PBKDF2-HMAC-SHA512 (mosquitto 2.0's default)
  scram_sha256,  ///< $scram-sha-256$: a SCRAM-SHA-256 verifier (mqtk only)
  scram_sha512,  ///< $scram-sha-512$: a SCRAM-SHA-512 verifier (mqtk only)
};

constexpr bool is_scram(hash_kind k) noexcept {
  return k == hash_kind::scram_sha256 || k == hash_kind::scram_sha512;
}

struct password_entry {
  hash_kind kind = hash_kind::sha512_pbkdf2;
  unsigned iterations = 0; ///< $7$ and SCRAM
  std::string salt;        ///< raw bytes
  std::string digest;      ///< raw bytes: 64 for $6$ and $7$; SCRAM's StoredKey
  std::string server_key;  ///< SCRAM's ServerKey; empty for the others
};

struct password_table {
  std::unordered_map<std::string, password_entry> users;
};

/// Every usable line of `text`. Each unusable one is told in `problems` and creates no
/// account: a half-read line must never become a password that anything matches.
password_table parse_password_file(std::string_view text, std::vector<file_problem>& problems);

/// One line, as mosquitto_passwd writes it (no newline).
std::string format_password_line(std::string_view user, const password_entry& e);

/// Why `user` cannot be a user name in the file, or empty when it can.
std::string bad_user_name(std::string_view user);

} // namespace mqtk::auth
