// SPDX-License-Identifier: MIT
// The broker's access policy from mosquitto's files: allow_anonymous, password_file and
// acl_file, for the whole broker or per listener (per_listener_settings). Sans-IO: the slow
// password hashing is handed to a credential_checker (the server's worker pool), and its
// answer comes back through broker_core::complete_auth.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "mqtk/auth/acl_file.hpp"
#include "mqtk/auth/password_file.hpp"
#include "mqtk/auth/scram.hpp"
#include "mqtk/broker/access_policy.hpp"

namespace mqtk::auth {

/// One listener's rules (or the broker's, when they are not per listener).
struct security_settings {
  bool allow_anonymous = true;
  std::shared_ptr<const password_table> passwords; ///< null: no password_file
  std::shared_ptr<const acl_table> acl;            ///< null: no acl_file, every topic open
};

/// Where password checks go.
class credential_checker {
public:
  virtual ~credential_checker() = default;
  /// True when `password` is known to match `e` for `user` without hashing (a check that
  /// succeeded before); must be cheap, since it runs on the event loop.
  virtual bool known_good(std::string_view user, const password_entry& e,
                          std::string_view password) = 0;
  /// Checks later, off the event loop, and answers broker_core::complete_auth(id, ...):
  /// allow on a match, bad_credentials otherwise. `exists` false (an unknown user) is checked
  /// against a stand-in entry all the same and always fails, so that it takes as long.
  virtual void check(std::uint64_t id, std::string user, password_entry e, std::string password,
                     bool exists) = 0;
};

class file_policy final : public broker::access_policy {
public:
  /// `rules[i]` serves listener i; a single entry serves every listener.
  file_policy(std::vector<security_settings> rules, credential_checker& checker);

  /// New rules (SIGHUP). Connected clients keep their sessions; topic checks use the new
  /// rules from now on.
  void replace(std::vector<security_settings> rules);

  broker::verdict authenticate(const broker::auth_request& r) override;
  bool may_publish(const broker::client_ref& who, std::string_view topic, std::uint8_t qos,
                   bool retain) override;
  bool may_subscribe(const broker::client_ref& who, std::string_view filter,
                     std::uint8_t qos) override;
  bool may_receive(const broker::client_ref& who, std::string_view topic) override;
  bool checks_topics() const noexcept override;
  /// SCRAM-SHA-256 and SCRAM-SHA-512 against the password file's SCRAM verifiers.
  broker::auth_answer exchange(const broker::auth_request& r, std::string_view method,
                               std::string_view data, bool first) override;
  void forget(std::uint64_t id) override;

private:
  const security_settings& rules_for(std::uint16_t listener) const;

  std::vector<security_settings> rules_;
  credential_checker& checker_;
  std::string secret_; // random per process: unknown users' stable fake salts
  std::unordered_map<std::uint64_t, std::unique_ptr<scram::server_exchange>> exchanges_;
};

} // namespace mqtk::auth
