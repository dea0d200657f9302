// SPDX-License-Identifier: MIT
// SCRAM's messages and proofs (RFC 5802 sections 3, 5 and 7); the hashing is OpenSSL's.
#include "mqtk/auth/scram.hpp"

#include "mqtk/core/base64.hpp"
#include "mqtk/core/errc.hpp"
#include "mqtk/transport/crypto.hpp"

namespace mqtk::auth::scram {
namespace {

namespace crypto = transport::crypto;
using broker::auth_answer;
using broker::verdict;

constexpr unsigned fake_iterations = 4096; // RFC 7677's minimum, for users that do not exist

crypto::digest digest_of(hash_kind k) {
  return k == hash_kind::scram_sha256 ? crypto::digest::sha256 : crypto::digest::sha512;
}

std::string str(const crypto::bytes& b) {
  return {b.begin(), b.end()};
}

std::string hmac(hash_kind k, std::string_view key, std::string_view data, std::string& why) {
  return str(crypto::hmac(digest_of(k), as_bytes(key), as_bytes(data), why));
}

std::string hash(hash_kind k, std::string_view data, std::string& why) {
  return str(crypto::hash(digest_of(k), as_bytes(data), {}, why));
}

std::string xor_of(std::string a, std::string_view b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    a[i] = static_cast<char>(a[i] ^ b[i]);
  return a;
}

// The value of attribute `name` ("r" of "r=abc,s=...") in a comma-separated message.
std::optional<std::string_view> attribute(std::string_view msg, char name) {
  for (std::size_t at = 0; at <= msg.size();) {
    const auto end = std::min(msg.find(',', at), msg.size());
    const auto part = msg.substr(at, end - at);
    if (part.size() >= 2 && part[0] == name && part[1] == '=') return part.substr(2);
    at = end + 1;
  }
  return std::nullopt;
}

// saslname (section 5.1): ',' and '=' are sent as "=2C" and "=3D".
std::string escape(std::string_view name) {
  std::string out;
  for (const char c : name)
    out += c == ',' ? "=2C" : c == '=' ? "=3D" : std::string(1, c);
  return out;
}
std::optional<std::string> unescape(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] != '=') {
      out += name[i];
      continue;
    }
    const auto code = name.substr(i + 1, 2);
    if (code != "2C" && code != "3D") return std::nullopt;
    out += code == "2C" ? ',' : '=';
    i += 2;
  }
  return out;
}

std::string nonce(std::string& why) {
  return base64(str(crypto::random(18, why)));
}

result<void> failed(errc e) {
  return unexpected(make_error_code(e));
}

class client_side final : public session::enhanced_auth {
public:
  client_side(hash_kind k, std::string user, std::string password)
      : kind_(k), user_(std::move(user)), password_(std::move(password)) {}
  std::string method() const override { return method_of(kind_); }
  std::shared_ptr<enhanced_auth> clone() const override {
    return std::make_shared<client_side>(kind_, user_, password_);
  }

  result<std::string> first() override {
    std::string why;
    const auto n = nonce(why);
    if (n.empty()) return unexpected(make_error_code(std::errc::function_not_supported));
    client_nonce_ = n;
    bare_ = "n=" + escape(user_) + ",r=" + client_nonce_;
    return "n,," + bare_;
  }

  result<std::string> next(std::string_view server_first) override {
    const auto r = attribute(server_first, 'r');
    const auto s = attribute(server_first, 's');
    const auto i = attribute(server_first, 'i');
    auto salt = s ? from_base64(*s) : std::nullopt;
    unsigned iterations = 0;
    if (i) iterations = static_cast<unsigned>(std::strtoul(std::string(*i).c_str(), nullptr, 10));
    // The server's nonce must extend ours (section 5.1), and the count must be sane.
    if (!r || !r->starts_with(client_nonce_) || r->size() == client_nonce_.size() || !salt ||
        iterations == 0)
      return unexpected(make_error_code(errc::auth_exchange_failed));
    password_entry e{kind_, iterations, std::move(*salt), {}, {}};
    std::string why;
    const auto salted = str(crypto::pbkdf2(digest_of(kind_), as_bytes(password_), as_bytes(e.salt),
                                           iterations, crypto::size(digest_of(kind_)), why));
    if (salted.empty()) return unexpected(make_error_code(std::errc::function_not_supported));
    const auto client_key = hmac(kind_, salted, "Client Key", why);
    server_key_ = hmac(kind_, salted, "Server Key", why);
    const std::string without_proof = "c=biws,r=" + std::string(*r);
    auth_message_ = bare_ + "," + std::string(server_first) + "," + without_proof;
    const auto signature = hmac(kind_, hash(kind_, client_key, why), auth_message_, why);
    return without_proof + ",p=" + base64(xor_of(client_key, signature));
  }

  result<void> finish(std::string_view server_final) override {
    const auto v = attribute(server_final, 'v');
    if (!v || server_key_.empty()) return failed(errc::auth_exchange_failed);
    std::string why;
    const auto expected = hmac(kind_, server_key_, auth_message_, why);
    const auto got = from_base64(*v);
    if (!got || !crypto::equal(as_bytes(*got), as_bytes(expected)))
      return failed(errc::server_not_proven);
    return {};
  }

private:
  hash_kind kind_;
  std::string user_, password_, client_nonce_, bare_, auth_message_, server_key_;
};

} // namespace

std::optional<hash_kind> kind_of(std::string_view method) {
  if (method == "SCRAM-SHA-256") return hash_kind::scram_sha256;
  if (method == "SCRAM-SHA-512") return hash_kind::scram_sha512;
  return std::nullopt;
}

std::string method_of(hash_kind k) {
  return k == hash_kind::scram_sha256 ? "SCRAM-SHA-256" : "SCRAM-SHA-512";
}

bool derive(password_entry& e, std::string_view password, std::string& why) {
  const auto d = digest_of(e.kind);
  const auto salted = str(
      crypto::pbkdf2(d, as_bytes(password), as_bytes(e.salt), e.iterations, crypto::size(d), why));
  if (salted.empty()) return false;
  e.digest = hash(e.kind, hmac(e.kind, salted, "Client Key", why), why);
  e.server_key = hmac(e.kind, salted, "Server Key", why);
  return !e.digest.empty() && !e.server_key.empty();
}

std::shared_ptr<session::enhanced_auth> client(hash_kind k, std::string user,
                                               std::string password) {
  return std::make_shared<client_side>(k, std::move(user), std::move(password));
}

server_exchange::server_exchange(hash_kind k, std::shared_ptr<const password_table> users,
                                 std::string secret)
    : kind_(k), users_(std::move(users)), secret_(std::move(secret)) {}

auth_answer server_exchange::first(std::string_view client_first) {
  // gs2 header: "n,," (no channel binding) or "y,,"; an authzid is not supported.
  if (!client_first.starts_with("n,,") && !client_first.starts_with("y,,")) return {};
  client_first_bare_ = std::string(client_first.substr(3));
  const auto n = attribute(client_first_bare_, 'n');
  const auto r = attribute(client_first_bare_, 'r');
  auto user = n ? unescape(*n) : std::nullopt;
  if (!user || user->empty() || !r || r->empty()) return {verdict::bad_credentials, {}, {}};
  user_ = std::move(*user);
  std::string why;
  if (users_)
    if (const auto it = users_->users.find(user_);
        it != users_->users.end() && it->second.kind == kind_) {
      entry_ = it->second;
      known_ = true;
    }
  if (!known_) { // a stable fake, so that the answer does not tell the user is unknown
    const auto size = crypto::size(digest_of(kind_));
    entry_ = {kind_, fake_iterations, hmac(kind_, secret_, "salt:" + user_, why).substr(0, 16),
              std::string(size, '\0'), std::string(size, '\0')};
  }
  const auto mine = nonce(why);
  if (mine.empty() || entry_.salt.empty()) return {verdict::not_authorized, {}, {}};
  nonce_ = std::string(*r) + mine;
  server_first_ =
      "r=" + nonce_ + ",s=" + base64(entry_.salt) + ",i=" + std::to_string(entry_.iterations);
  return {verdict::continue_auth, server_first_, {}};
}

auth_answer server_exchange::final(std::string_view client_final) {
  const auto c = attribute(client_final, 'c');
  const auto r = attribute(client_final, 'r');
  const auto p_at = client_final.rfind(",p=");
  if (!c || (*c != "biws" && *c != "eSws") || !r || *r != nonce_ || p_at == client_final.npos)
    return {verdict::bad_credentials, {}, {}};
  const auto proof = from_base64(client_final.substr(p_at + 3));
  const std::string auth_message =
      client_first_bare_ + "," + server_first_ + "," + std::string(client_final.substr(0, p_at));
  std::string why;
  const auto signature = hmac(kind_, entry_.digest, auth_message, why);
  if (!proof || proof->size() != signature.size()) return {verdict::bad_credentials, {}, {}};
  const auto client_key = xor_of(*proof, signature);
  const bool match = crypto::equal(as_bytes(hash(kind_, client_key, why)), as_bytes(entry_.digest));
  if (!match || !known_) return {verdict::bad_credentials, {}, {}};
  return {verdict::allow, "v=" + base64(hmac(kind_, entry_.server_key, auth_message, why)), user_};
}

} // namespace mqtk::auth::scram
