// SPDX-License-Identifier: MIT
// Cross-thread agreement for a pubsub run: the last thread to arrive posts the next step to every
// thread's own io_context, so each engine still runs single-threaded.
#include "bench/team.hpp"

#include <asio.hpp>

namespace mqtk::app::bench {

void team::join(member m) {
  std::lock_guard lock(m_);
  members_.push_back(std::move(m));
}

void team::leave(const asio::io_context* io) {
  std::lock_guard lock(m_);
  std::erase_if(members_, [io](const member& m) { return m.io == io; });
}

// Posts to every thread still running; each handler holds its own copy of the member, so a
// thread leaving later cannot pull it away. Called with m_ held.
void team::to_all(void (*what)(const member&, int), int code) {
  for (const auto& m : members_)
    asio::post(*m.io, [m, what, code] { what(m, code); });
}

void team::subscribers_ready() {
  std::lock_guard lock(m_);
  if (++ready_ == threads_) to_all([](const member& m, int) { m.go(); });
}

void team::publishers_up(const std::function<std::uint64_t()>& pick) {
  std::lock_guard lock(m_);
  if (++up_ != threads_) return;
  t0_ = pick();
  to_all([](const member& m, int) { m.begin(); });
}

void team::sending_stopped(std::uint64_t taken) {
  std::lock_guard lock(m_);
  total_ += taken;
  if (++stopped_ == threads_) to_all([](const member& m, int) { m.all_sent(); });
}

void team::fail(int code) {
  std::lock_guard lock(m_);
  if (failed_) return;
  failed_ = true;
  to_all([](const member& m, int c) { m.stop(c); }, code);
}

} // namespace mqtk::app::bench
