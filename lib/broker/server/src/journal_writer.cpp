// SPDX-License-Identifier: MIT
// The journal writer's thread: one batch at a time, its outcome handed back to the event loop.
#include "journal_writer.hpp"

#include <utility>

namespace mqtk::broker::detail {

journal_writer::journal_writer(server::journal_sink save, std::function<void()> wake)
    : save_(std::move(save)), wake_(std::move(wake)), thread_([this] { loop(); }) {}

journal_writer::~journal_writer() {
  stop();
}

void journal_writer::submit(std::vector<journal_record> batch) {
  {
    std::lock_guard lock(mutex_);
    in_hand_ = std::move(batch);
  }
  wanted_.notify_one();
}

std::optional<journal_writer::outcome> journal_writer::take_outcome() {
  std::lock_guard lock(mutex_);
  return std::exchange(done_, std::nullopt);
}

void journal_writer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wanted_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void journal_writer::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wanted_.wait(lock, [this] { return in_hand_ || stopping_; });
    if (!in_hand_) return; // stopping, nothing in hand
    auto batch = std::move(*in_hand_);
    in_hand_.reset();
    lock.unlock();
    outcome o;
    o.ok = save_(batch, o.why);
    if (!o.ok)
      o.batch = std::move(batch);
    else
      batch = {}; // the records' messages are freed here, not on the event loop
    lock.lock();
    done_ = std::move(o);
    lock.unlock();
    wake_();
    lock.lock();
  }
}

} // namespace mqtk::broker::detail
