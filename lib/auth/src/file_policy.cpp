// SPDX-License-Identifier: MIT
#include "mqtk/auth/file_policy.hpp"

#include "mqtk/auth/password_hash.hpp"
#include "mqtk/transport/crypto.hpp"

namespace mqtk::auth {

using broker::verdict;

file_policy::file_policy(std::vector<security_settings> rules, credential_checker& checker)
    : rules_(std::move(rules)), checker_(checker) {
  if (rules_.empty()) rules_.emplace_back();
  std::string why;
  const auto r = transport::crypto::random(32, why);
  secret_.assign(r.begin(), r.end());
}

void file_policy::replace(std::vector<security_settings> rules) {
  rules_ = std::move(rules);
  if (rules_.empty()) rules_.emplace_back();
}

const security_settings& file_policy::rules_for(std::uint16_t listener) const {
  return listener < rules_.size() ? rules_[listener] : rules_.front();
}

namespace {
// What an unknown user's password is hashed against: an entry like the real ones, so that the
// answer takes as long as for a known user with a wrong password.
const password_entry& stand_in(const password_table& t) {
  static const password_entry fallback{hash_kind::sha512_pbkdf2,
                                       default_iterations,
                                       std::string(12, '\0'),
                                       std::string(64, '\0'),
                                       {}};
  return t.users.empty() ? fallback : t.users.begin()->second;
}
} // namespace

verdict file_policy::authenticate(const broker::auth_request& r) {
  const auto& s = rules_for(r.listener);
  // A certificate's name is the client's identity; there is no password to check.
  if (r.identity) return verdict::allow;
  if (!r.username) return s.allow_anonymous ? verdict::allow : verdict::not_authorized;
  // Without a password file any user name is taken, as mosquitto does (the broker warns).
  if (!s.passwords) return verdict::allow;
  const auto password = r.password.value_or(std::string_view{});
  const auto it = s.passwords->users.find(std::string(*r.username));
  const bool exists = it != s.passwords->users.end() && r.password;
  if (exists && checker_.known_good(*r.username, it->second, password)) return verdict::allow;
  checker_.check(r.id, std::string(*r.username), exists ? it->second : stand_in(*s.passwords),
                 std::string(password), exists);
  return verdict::pending;
}

namespace {
acl_identity identity(const broker::client_ref& who) {
  return {who.username, who.client_id};
}
} // namespace

bool file_policy::may_publish(const broker::client_ref& who, std::string_view topic, std::uint8_t,
                              bool) {
  const auto& s = rules_for(who.listener);
  return !s.acl || acl_may_write(*s.acl, identity(who), topic);
}

bool file_policy::may_subscribe(const broker::client_ref& who, std::string_view filter,
                                std::uint8_t) {
  const auto& s = rules_for(who.listener);
  return !s.acl || acl_may_subscribe(*s.acl, identity(who), filter);
}

bool file_policy::may_receive(const broker::client_ref& who, std::string_view topic) {
  const auto& s = rules_for(who.listener);
  return !s.acl || acl_may_read(*s.acl, identity(who), topic);
}

broker::auth_answer file_policy::exchange(const broker::auth_request& r, std::string_view method,
                                          std::string_view data, bool first) {
  const auto kind = scram::kind_of(method);
  const auto& s = rules_for(r.listener);
  if (!kind || !s.passwords || secret_.empty()) {
    exchanges_.erase(r.id);
    return {}; // 0x8C: not a method this broker can check
  }
  if (first) {
    auto ex = std::make_unique<scram::server_exchange>(*kind, s.passwords, secret_);
    auto answer = ex->first(data);
    if (answer.v == verdict::continue_auth) exchanges_[r.id] = std::move(ex);
    return answer;
  }
  const auto it = exchanges_.find(r.id);
  if (it == exchanges_.end()) return {verdict::bad_credentials, {}, {}};
  auto answer = it->second->final(data);
  exchanges_.erase(it);
  return answer;
}

void file_policy::forget(std::uint64_t id) {
  exchanges_.erase(id);
}

bool file_policy::checks_topics() const noexcept {
  for (const auto& s : rules_)
    if (s.acl) return true;
  return false;
}

} // namespace mqtk::auth
