// SPDX-License-Identifier: MIT
#include "mqtk/broker/password_pool.hpp"

#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include "mqtk/auth/password_hash.hpp"
#include "mqtk/transport/crypto.hpp"

namespace mqtk::broker {

namespace crypto = transport::crypto;

namespace {
// Remembered successes are few per client; a cap keeps a flood of distinct good logins (which
// needs that many valid passwords) from growing memory without end.
constexpr std::size_t cache_limit = 100'000;
} // namespace

password_pool::password_pool(asio::io_context& io, answer a, unsigned threads)
    : io_(io), answer_(std::move(a)) {
  const auto k = crypto::random(32, why_);
  key_.assign(k.begin(), k.end()); // empty when OpenSSL is missing: see ready()
  for (unsigned i = 0; i < std::max(threads, 1u); ++i)
    workers_.emplace_back([this] { work(); });
}

password_pool::~password_pool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_)
    t.join();
}

bool password_pool::ready(std::string& why) const {
  if (!key_.empty()) return true;
  why = why_;
  return false;
}

std::string password_pool::cache_key(std::string_view user, const auth::password_entry& e,
                                     std::string_view password) const {
  // Lengths first, so that no two different inputs run together into the same bytes.
  std::string data;
  for (const auto part : {user, std::string_view(e.salt), std::string_view(e.digest), password}) {
    data += std::to_string(part.size()) + ':';
    data += part;
  }
  std::string why;
  const auto mac = crypto::hmac(crypto::digest::sha256, as_bytes(key_), as_bytes(data), why);
  return {mac.begin(), mac.end()};
}

bool password_pool::known_good(std::string_view user, const auth::password_entry& e,
                               std::string_view password) {
  if (key_.empty() || good_.empty()) return false;
  return good_.count(cache_key(user, e, password)) != 0;
}

void password_pool::check(std::uint64_t id, std::string user, auth::password_entry e,
                          std::string password, bool exists) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back({id, std::move(user), std::move(e), std::move(password), exists});
  }
  wake_.notify_one();
}

void password_pool::work() {
  for (;;) {
    job j;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      j = std::move(jobs_.front());
      jobs_.pop_front();
    }
    std::string why;
    const bool match = auth::verify(j.entry, j.password, why) && j.exists;
    asio::post(io_, [this, j = std::move(j), match]() mutable {
      ++hashed_;
      if (match && !key_.empty()) {
        if (good_.size() >= cache_limit) good_.clear();
        good_.insert(cache_key(j.user, j.entry, j.password));
      }
      answer_(j.id, match ? verdict::allow : verdict::bad_credentials);
    });
  }
}

} // namespace mqtk::broker
