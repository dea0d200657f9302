// SPDX-License-Identifier: MIT
// Reading standard input line by line into messages.
#include "pub/line_source.hpp"

#include <asio.hpp>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "mqtk/jsonl/json_message.hpp"
#include "mqtk/topic/validate.hpp"

namespace mqtk::app::pub {

std::optional<codec::publish> message_from_line(const settings& s, std::string&& line,
                                                std::string& why) {
  codec::publish m{s.topic, {}, 0, s.qos, s.retain, false, s.props};
  switch (s.from) {
  case source::jsonl: {
    auto j = jsonl::message_from_json(line, why);
    if (!j) return std::nullopt;
    m = std::move(*j);
    break;
  }
  case source::topic_lines: {
    const auto at = line.find(s.separator);
    if (at == std::string::npos || at == 0)
      return why = "expected TOPIC" + (s.separator == " " ? std::string(" ") : s.separator) +
                   "PAYLOAD",
             std::nullopt;
    m.topic = line.substr(0, at);
    m.payload = line.substr(at + s.separator.size());
    break;
  }
  default:
    m.payload = std::move(line);
    return m;
  }
  if (auto ec = topic::validate_name(m.topic))
    return why = "topic '" + m.topic + "': " + ec.message(), std::nullopt;
  return m;
}

struct line_reader::shared {
  shared(std::shared_ptr<asio::io_context> context, const settings& settings_, sink to)
      : io(std::move(context)), s(settings_), deliver(std::move(to)) {}
  std::shared_ptr<asio::io_context> io;
  const settings& s;
  sink deliver;
  std::mutex m;
  std::condition_variable room;
  std::size_t held = 0;       // posted to the IO thread, not yet handed to the session
  std::size_t in_session = 0; // the session's unacknowledged count, as the IO thread last saw it

  void post(batch b, bool end, std::string error) {
    asio::post(*io, [this, b = std::move(b), end, error = std::move(error)]() mutable {
      deliver(std::move(b), end, error);
    });
  }

  // Design: lines already buffered go over in one batch, so one handler and one write carry
  // many lines; a slow pipe (tail -f) still streams line by line.
  void run() {
    batch b;
    std::string line, why;
    std::size_t number = 0;
    while (std::getline(std::cin, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto message = message_from_line(s, std::move(line), why);
      if (!message) return post(std::move(b), true, "line " + std::to_string(number) + ": " + why);
      b.push_back(std::move(*message));
      if (b.size() < 1000 && std::cin.rdbuf()->in_avail() > 0) continue;
      {
        std::unique_lock lock(m);
        room.wait(lock, [this] { return held + in_session < max_held; });
        held += b.size();
      }
      post(std::move(b), false, {});
      b.clear();
    }
    post(std::move(b), true, {});
  }
};

line_reader::line_reader(std::shared_ptr<asio::io_context> io, const settings& s, sink deliver)
    : shared_(std::make_shared<shared>(std::move(io), s, std::move(deliver))) {}

void own_stdin_buffer() {
  // Called only by the sources that read standard input: unsynchronising builds six stream
  // buffers (a tenth of a one-shot publish's start-up), which a -m publish never needs.
  static const bool once = (std::ios::sync_with_stdio(false), true);
  (void)once;
}

void line_reader::start() {
  own_stdin_buffer();
  // Detached: at the end of input or of the tool the thread may still be blocked on stdin; the
  // tool exits with _Exit and does not wait for it. It holds `shared` alive on its own.
  std::thread([state = shared_] { state->run(); }).detach();
}

void line_reader::release(std::size_t handed, std::size_t in_session) {
  std::lock_guard lock(shared_->m);
  shared_->held -= std::min(handed, shared_->held);
  shared_->in_session = in_session;
  shared_->room.notify_one();
}

} // namespace mqtk::app::pub
