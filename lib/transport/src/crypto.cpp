// SPDX-License-Identifier: MIT
#include "mqtk/transport/crypto.hpp"

#include "module_loader.hpp"

namespace mqtk::transport::crypto {
namespace {

const char* name(digest d) {
  return d == digest::sha256 ? "sha256" : "sha512";
}

} // namespace

bytes hash(digest d, byte_view a, byte_view b, std::string& why) {
  const auto* api = detail::openssl(why);
  if (!api) return {};
  bytes out(size(d));
  std::size_t n = 0;
  if (api->hash2(name(d), a.data(), a.size(), b.data(), b.size(), out.data(), out.size(), &n) !=
      1) {
    why = "hashing failed";
    return {};
  }
  out.resize(n);
  return out;
}

bytes pbkdf2(digest d, byte_view password, byte_view salt, unsigned iterations, std::size_t length,
             std::string& why) {
  const auto* api = detail::openssl(why);
  if (!api) return {};
  bytes out(length);
  if (api->pbkdf2(name(d), password.data(), password.size(), salt.data(), salt.size(), iterations,
                  out.data(), out.size()) != 1) {
    why = "PBKDF2 failed (iterations must be 1 to 2147483647)";
    return {};
  }
  return out;
}

bytes hmac(digest d, byte_view key, byte_view data, std::string& why) {
  const auto* api = detail::openssl(why);
  if (!api) return {};
  bytes out(size(d));
  std::size_t n = 0;
  if (api->hmac(name(d), key.data(), key.size(), data.data(), data.size(), out.data(), out.size(),
                &n) != 1) {
    why = "HMAC failed";
    return {};
  }
  out.resize(n);
  return out;
}

bool equal(byte_view a, byte_view b) {
  if (a.size() != b.size()) return false;
  std::string why;
  const auto* api = detail::openssl(why);
  // Without the module nothing was hashed, so there is nothing secret to compare.
  return api != nullptr && api->equal(a.data(), b.data(), a.size()) == 1;
}

bytes random(std::size_t n, std::string& why) {
  const auto* api = detail::openssl(why);
  if (!api) return {};
  bytes out(n);
  if (api->random_bytes(out.data(), n) != 1) {
    why = "no random bytes from OpenSSL";
    return {};
  }
  return out;
}

} // namespace mqtk::transport::crypto
