// SPDX-License-Identifier: MIT
// mqtk-pub's line-by-line sources (-l, --topic-per-line, --jsonl): standard input is read on a
// thread of its own and handed to the IO thread in batches, with bounded memory.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pub/options.hpp"

namespace asio {
class io_context;
}

namespace mqtk::app::pub {

/// One line as a message for the source mode of `s`; nullopt with `why` for a bad line.
std::optional<codec::publish> message_from_line(const settings& s, std::string&& line,
                                                std::string& why);

/// Gives std::cin a buffer of its own (std::ios::sync_with_stdio(false)), so a reader sees which
/// lines are already there and sends them together. Call before standard input is first read.
void own_stdin_buffer();

/// Reads standard input until its end or a bad line. Each batch is posted to the io_context and
/// given to `deliver` there; the last call has `end` set, and `error` ("line N: ...") when a
/// line was bad. While `max_held` messages are held (delivered but not yet release()d, plus
/// what the session still holds), reading waits, so a fast producer cannot exhaust memory.
class line_reader {
public:
  using batch = std::vector<codec::publish>;
  using sink = std::function<void(batch, bool end, const std::string& error)>;

  line_reader(std::shared_ptr<asio::io_context> io, const settings& s, sink deliver);
  void start();
  /// IO thread: `handed` delivered messages went into the session, which now holds `in_session`.
  void release(std::size_t handed, std::size_t in_session);

  static constexpr std::size_t max_held = 10'000;
  struct shared;

private:
  std::shared_ptr<shared> shared_;
};

} // namespace mqtk::app::pub
