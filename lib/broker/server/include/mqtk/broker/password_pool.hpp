// SPDX-License-Identifier: MIT
// Password checks off the event loop: a few worker threads hash, the loop hears the answers.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "mqtk/auth/file_policy.hpp"

namespace asio {
class io_context;
}

namespace mqtk::broker {

/// auth::credential_checker with worker threads. PBKDF2 at a strong iteration count costs
/// milliseconds; run on the loop it would stall every client, so it runs here and the verdict
/// is posted back to the io_context's thread. Successful checks are remembered for the life of
/// the process as a keyed hash (HMAC-SHA256 under a random key made at start) of the user, the
/// stored entry and the password: a known client reconnecting costs one HMAC, and the memory
/// holds nothing a reader could test passwords against.
class password_pool final : public auth::credential_checker {
public:
  using answer = std::function<void(std::uint64_t id, verdict v)>;
  /// `answer` runs on `io`'s thread; `threads` workers (at least one).
  password_pool(asio::io_context& io, answer a, unsigned threads = 2);
  ~password_pool() override;
  password_pool(const password_pool&) = delete;
  password_pool& operator=(const password_pool&) = delete;

  bool known_good(std::string_view user, const auth::password_entry& e,
                  std::string_view password) override;
  void check(std::uint64_t id, std::string user, auth::password_entry e, std::string password,
             bool exists) override;

  /// False, with why, when OpenSSL's module cannot be loaded: no password can be checked.
  bool ready(std::string& why) const;
  /// Checks done by the workers so far (for the log and tests).
  std::uint64_t hashed() const noexcept { return hashed_; }

private:
  struct job {
    std::uint64_t id;
    std::string user;
    auth::password_entry entry;
    std::string password;
    bool exists;
  };
  void work();
  std::string cache_key(std::string_view user, const auth::password_entry& e,
                        std::string_view password) const;

  asio::io_context& io_;
  answer answer_;
  std::string key_;                      // the cache's HMAC key
  std::string why_;                      // why there is no key
  std::unordered_set<std::string> good_; // loop thread only
  std::uint64_t hashed_ = 0;             // loop thread only
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

} // namespace mqtk::broker
