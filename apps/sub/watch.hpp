// SPDX-License-Identifier: MIT
// mqtk-sub --watch: a live table of topics in the terminal, redrawn in place.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "mqtk/codec/packets.hpp"

namespace asio {
class io_context;
}

namespace mqtk::app::sub {

/// Whether standard output is a terminal (--watch needs one).
bool stdout_is_terminal();

/// Takes the terminal over while it lives: the alternate screen (so the shell's screen comes
/// back as it was), no cursor, keys read unbuffered; 'q' calls `quit`. Redraws at most four
/// times a second, and each second for the ages. The destructor gives the terminal back.
class watch_view {
public:
  watch_view(asio::io_context& io, std::function<void()> quit);
  ~watch_view();
  watch_view(const watch_view&) = delete;
  watch_view& operator=(const watch_view&) = delete;

  /// A message to show; `shown` is its payload column (the payload, or -F's text).
  void add(const codec::publish& m, std::string shown);
  /// Stops redrawing and reading keys (the terminal is given back by the destructor).
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace mqtk::app::sub
