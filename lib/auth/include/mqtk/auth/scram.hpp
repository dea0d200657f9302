// SPDX-License-Identifier: MIT
// SCRAM (RFC 5802, RFC 7677) for MQTT 5 enhanced authentication: Authentication Method
// "SCRAM-SHA-256" or "SCRAM-SHA-512", the client-first message in the CONNECT, server-first in
// an AUTH 0x18, client-final in the client's AUTH 0x18 and server-final ("v=" signature) in the
// CONNACK. The password never crosses the wire, and the server stores only StoredKey and
// ServerKey, from which no password can be sent. No channel binding ("n,,").
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mqtk/auth/password_file.hpp"
#include "mqtk/broker/access_policy.hpp"
#include "mqtk/session/enhanced_auth.hpp"

namespace mqtk::auth::scram {

/// The hash of a method name ("SCRAM-SHA-256": scram_sha256), or nullopt for another method.
std::optional<hash_kind> kind_of(std::string_view method);
/// The method name of a SCRAM kind.
std::string method_of(hash_kind k);

/// StoredKey and ServerKey for `password` (in `e`, which gives kind, salt and iterations);
/// false with `why` when OpenSSL cannot be loaded.
bool derive(password_entry& e, std::string_view password, std::string& why);

/// The client's side, for client_session's config.
std::shared_ptr<session::enhanced_auth> client(hash_kind k, std::string user, std::string password);

/// The server's side of one connection's exchange.
class server_exchange {
public:
  /// `users` is the password file (may be null: every user unknown); `secret` is random per
  /// process and makes an unknown user's fake salt stable, so that asking twice tells nothing.
  server_exchange(hash_kind k, std::shared_ptr<const password_table> users, std::string secret);
  /// client-first in, server-first out (continue_auth), or a refusal.
  broker::auth_answer first(std::string_view client_first);
  /// client-final in, server-final out (allow, with the user), or bad_credentials.
  broker::auth_answer final(std::string_view client_final);

private:
  hash_kind kind_;
  std::shared_ptr<const password_table> users_;
  std::string secret_;
  std::string user_, client_first_bare_, server_first_, nonce_;
  password_entry entry_;
  bool known_ = false;
};

} // namespace mqtk::auth::scram
