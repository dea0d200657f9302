// SPDX-License-Identifier: MIT
// The threads of one pubsub run (--threads) agree on three moments: every subscriber on every
// thread has subscribed (publishers may start), every thread has stopped sending (the drain
// begins, and loss can be counted against what every publisher sent), and a failure (all stop).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace asio {
class io_context;
}

namespace mqtk::app::bench {

class team {
public:
  explicit team(unsigned threads) : threads_(threads) {}

  struct member {
    asio::io_context* io = nullptr;
    std::function<void()> go;       ///< start the publishers
    std::function<void()> begin;    ///< every thread's publishers are up: start at t0()
    std::function<void()> all_sent; ///< every thread has stopped sending
    std::function<void(int)> stop;  ///< another thread failed with this exit status
  };
  /// Before the thread starts any client.
  void join(member m);
  /// When the thread's event loop has ended: nothing is posted to it any more.
  void leave(const asio::io_context* io);
  /// This thread's subscribers all have their SUBACK (or it has none).
  void subscribers_ready();
  /// This thread's publishers are all connected (or it has none). The last thread to say so
  /// calls `pick` for the run's one start time, so every thread's schedule and seconds line up.
  void publishers_up(const std::function<std::uint64_t()>& pick);
  /// After begin: the start time (steady-clock ns) every thread uses.
  std::uint64_t t0() const { return t0_; }
  /// This thread stopped sending: how many messages its publishers took from their schedules.
  void sending_stopped(std::uint64_t taken);
  /// A failure that ends the run for every thread.
  void fail(int code);

  /// After all_sent: what every publisher sent, together.
  std::uint64_t total_taken() const { return total_; }
  /// Sends so far, all threads (for the live line's in-flight count).
  std::atomic<std::uint64_t> sent_so_far{0};

private:
  void to_all(void (*what)(const member&, int), int code = 0);

  unsigned threads_;
  std::mutex m_;
  std::vector<member> members_;
  unsigned ready_ = 0, up_ = 0, stopped_ = 0;
  std::atomic<std::uint64_t> t0_{0};
  bool failed_ = false;
  std::uint64_t total_ = 0;
};

} // namespace mqtk::app::bench
