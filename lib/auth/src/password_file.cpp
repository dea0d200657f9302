// SPDX-License-Identifier: MIT
#include "mqtk/auth/password_file.hpp"

#include <charconv>
#include <optional>

#include "mqtk/core/base64.hpp"
#include "mqtk/core/utf8.hpp"

namespace mqtk::auth {
namespace {

constexpr std::size_t digest_size = 64; // SHA-512, for $6$ and $7$

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t at = 0;;) {
    const auto next = s.find(sep, at);
    parts.push_back(s.substr(at, next == s.npos ? s.npos : next - at));
    if (next == s.npos) return parts;
    at = next + 1;
  }
}

std::optional<unsigned> iterations(std::string_view s) {
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || end != s.data() + s.size() || n == 0 || n > 0x7fffffffu)
    return std::nullopt;
  return n;
}

// The hash after `user:`; empty `why` on success.
password_entry parse_hash(std::string_view h, std::string& why) {
  password_entry e;
  const auto parts = split(h, '$'); // "", kind, [iterations,] salt, digest
  if (parts.size() < 2 || !parts[0].empty()) {
    why = "the password is not hashed (mqtk-passwd -U FILE hashes a plain-text file)";
    return e;
  }
  std::size_t salt_at = 2;
  if (parts[1] == "6" && parts.size() == 4) {
    e.kind = hash_kind::sha512;
  } else if ((parts[1] == "7" && parts.size() == 5) ||
             ((parts[1] == "scram-sha-256" || parts[1] == "scram-sha-512") && parts.size() == 6)) {
    e.kind = parts[1] == "7"               ? hash_kind::sha512_pbkdf2
             : parts[1] == "scram-sha-256" ? hash_kind::scram_sha256
                                           : hash_kind::scram_sha512;
    const auto n = iterations(parts[2]);
    if (!n) {
      why = "the iteration count '" + std::string(parts[2]) + "' is not a number from 1";
      return e;
    }
    e.iterations = *n;
    salt_at = 3;
  } else {
    why = "unknown hash '$" + std::string(parts[1]) +
          "$...' (known: $6$ sha512, $7$ sha512-pbkdf2, $scram-sha-256$, $scram-sha-512$)";
    return e;
  }
  auto salt = from_base64(parts[salt_at]);
  auto digest = from_base64(parts[salt_at + 1]);
  const std::size_t size = e.kind == hash_kind::scram_sha256 ? 32 : digest_size;
  std::optional<std::string> server;
  if (is_scram(e.kind)) server = from_base64(parts[salt_at + 2]);
  if (!salt || salt->empty())
    why = "the salt is not base64";
  else if (!digest || digest->size() != size)
    why = "the hash is not " + std::to_string(size) + " bytes of base64";
  else if (is_scram(e.kind) && (!server || server->size() != size))
    why = "the server key is not " + std::to_string(size) + " bytes of base64";
  else {
    e.salt = std::move(*salt);
    e.digest = std::move(*digest);
    if (server) e.server_key = std::move(*server);
  }
  return e;
}

} // namespace

std::string bad_user_name(std::string_view user) {
  if (user.empty()) return "an empty user name";
  if (user.find(':') != user.npos) return "a user name cannot contain ':'";
  if (utf8::validate(user)) return "a user name must be UTF-8";
  for (const char c : user)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return "a user name cannot contain control characters";
  return {};
}

password_table parse_password_file(std::string_view text, std::vector<file_problem>& problems) {
  password_table t;
  std::size_t number = 0;
  for (auto line : split(text, '\n')) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const auto colon = line.find(':');
    if (colon == line.npos) {
      problems.push_back({number, "no ':' between user name and password hash"});
      continue;
    }
    const std::string user(line.substr(0, colon));
    if (auto why = bad_user_name(user); !why.empty()) {
      problems.push_back({number, why});
      continue;
    }
    std::string why;
    auto e = parse_hash(line.substr(colon + 1), why);
    if (!why.empty()) {
      problems.push_back({number, "user '" + user + "': " + why});
      continue;
    }
    if (!t.users.emplace(user, std::move(e)).second)
      problems.push_back({number, "user '" + user + "' is already defined above"});
  }
  return t;
}

std::string format_password_line(std::string_view user, const password_entry& e) {
  std::string line(user);
  const auto iterations = std::to_string(e.iterations) + "$";
  switch (e.kind) {
  case hash_kind::sha512:
    line += ":$6$";
    break;
  case hash_kind::sha512_pbkdf2:
    line += ":$7$" + iterations;
    break;
  case hash_kind::scram_sha256:
    line += ":$scram-sha-256$" + iterations;
    break;
  case hash_kind::scram_sha512:
    line += ":$scram-sha-512$" + iterations;
    break;
  }
  line += base64(e.salt) + "$" + base64(e.digest);
  return is_scram(e.kind) ? line + "$" + base64(e.server_key) : line;
}

} // namespace mqtk::auth
