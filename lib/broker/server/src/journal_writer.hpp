// SPDX-License-Identifier: MIT
// Internal: saves the core's journal batches on a thread of its own, off the event loop.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mqtk/broker/server.hpp"

namespace mqtk::broker::detail {

/// Design: the event loop hands a batch over and goes on reading and routing while the batch is
/// committed; what the loop journals meanwhile becomes the next batch, so batches grow with the
/// load (group commit) and the loop never waits for the disk. At most one batch is in hand: the
/// server orders its output by batch number, and a failed batch comes back to be tried again
/// before anything journaled after it.
/// Thread safety: submit(), take_outcome() and stop() on the event loop's thread; `save` runs on
/// the writer's thread, one batch at a time; `wake` runs on the writer's thread after each batch
/// and must only post to the event loop.
class journal_writer {
public:
  struct outcome {
    bool ok = true;
    std::string why;
    std::vector<journal_record> batch; ///< the batch, when it was not saved
  };
  journal_writer(server::journal_sink save, std::function<void()> wake);
  /// Stops after the batch in hand.
  ~journal_writer();
  journal_writer(const journal_writer&) = delete;
  journal_writer& operator=(const journal_writer&) = delete;

  /// Starts saving `batch`; the previous batch's outcome must have been taken.
  void submit(std::vector<journal_record> batch);
  /// The outcome of the batch handed over last, once it is done; taken once.
  std::optional<outcome> take_outcome();
  /// Waits for the batch in hand and ends the thread; the outcome stays to be taken.
  void stop();

private:
  void loop();
  server::journal_sink save_;
  std::function<void()> wake_;
  std::mutex mutex_;
  std::condition_variable wanted_;
  std::optional<std::vector<journal_record>> in_hand_;
  std::optional<outcome> done_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace mqtk::broker::detail
