// SPDX-License-Identifier: MIT
#include "mqtk/auth/password_hash.hpp"

#include "mqtk/auth/scram.hpp"
#include "mqtk/transport/crypto.hpp"

namespace mqtk::auth {
namespace {

namespace crypto = transport::crypto;

std::string digest_of(const password_entry& e, std::string_view password, std::string& why) {
  const auto salt = as_bytes(e.salt);
  const auto pw = as_bytes(password);
  const auto d = e.kind == hash_kind::sha512
                     ? crypto::hash(crypto::digest::sha512, pw, salt, why)
                     : crypto::pbkdf2(crypto::digest::sha512, pw, salt, e.iterations, 64, why);
  return {d.begin(), d.end()};
}

} // namespace

password_entry make_entry(std::string_view password, hash_kind kind, unsigned iterations,
                          std::string& why) {
  password_entry e;
  e.kind = kind;
  e.iterations = kind == hash_kind::sha512 ? 0 : iterations;
  const auto salt = crypto::random(is_scram(kind) ? 16 : 12, why);
  if (salt.empty()) return e;
  e.salt.assign(salt.begin(), salt.end());
  if (is_scram(kind)) {
    if (!scram::derive(e, password, why)) e.digest.clear();
    return e;
  }
  e.digest = digest_of(e, password, why);
  return e;
}

bool verify(const password_entry& e, std::string_view password, std::string& why) {
  if (is_scram(e.kind)) { // a plain login against a SCRAM verifier: derive and compare
    auto mine = e;
    return scram::derive(mine, password, why) &&
           crypto::equal(as_bytes(mine.digest), as_bytes(e.digest));
  }
  const auto d = digest_of(e, password, why);
  return !d.empty() && crypto::equal(as_bytes(d), as_bytes(e.digest));
}

} // namespace mqtk::auth
