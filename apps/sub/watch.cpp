// SPDX-License-Identifier: MIT
// The terminal side of --watch: raw keys, the alternate screen, and paced redraws.
#include "sub/watch.hpp"

#include <asio.hpp>
#include <cstdio>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "sub/watch_table.hpp"

namespace mqtk::app::sub {

bool stdout_is_terminal() {
  return ::isatty(STDOUT_FILENO) == 1;
}

struct watch_view::impl {
  impl(asio::io_context& io, std::function<void()> q) : quit(std::move(q)), timer(io), keys(io) {
    // asio makes the descriptor non-blocking, and a dup shares that with the shell's terminal:
    // the flags are put back as found.
    stdin_flags = ::fcntl(STDIN_FILENO, F_GETFL);
    if (::isatty(STDIN_FILENO) == 1 && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
      termios raw = saved;
      raw.c_lflag &= ~tcflag_t(ICANON | ECHO); // keys one by one, unechoed; Ctrl-C still signals
      raw.c_cc[VMIN] = 1;
      raw.c_cc[VTIME] = 0;
      restore_keys = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
      const int fd = ::dup(STDIN_FILENO);
      if (fd >= 0) {
        keys.assign(fd);
        read_key();
      }
    }
    write("\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J"); // alternate screen, cursor hidden, cleared
    tick();
  }

  ~impl() {
    stop();
    write("\x1b[?25h\x1b[?1049l"); // cursor back, the shell's screen back
    if (restore_keys) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    if (stdin_flags >= 0) ::fcntl(STDIN_FILENO, F_SETFL, stdin_flags);
  }

  void stop() {
    stopped = true;
    timer.cancel();
    std::error_code ignored;
    keys.close(ignored);
  }

  void read_key() {
    keys.async_read_some(asio::buffer(&key, 1), [this](std::error_code ec, std::size_t n) {
      if (ec || stopped) return;
      if (n == 1 && (key == 'q' || key == 'Q')) return quit();
      read_key();
    });
  }

  // Four redraws a second at most; one a second regardless, for the ages and rates.
  void tick() {
    const auto now = watch_table::clock::now();
    if (dirty || now - drawn >= std::chrono::seconds(1)) draw(now);
    timer.expires_after(std::chrono::milliseconds(250));
    timer.async_wait([this](std::error_code ec) {
      if (!ec && !stopped) tick();
    });
  }

  void draw(watch_table::clock::time_point now) {
    winsize ws{};
    std::size_t width = 80, height = 24;
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0)
      width = ws.ws_col, height = ws.ws_row;
    std::string frame = "\x1b[H";
    for (const auto& line : table.render(width, height, now))
      frame += line + "\x1b[K\r\n";                     // each line cleared to its end
    if (!frame.empty()) frame.resize(frame.size() - 2); // no scroll past the last row
    frame += "\x1b[J";                                  // and nothing left below it
    write(frame);
    dirty = false;
    drawn = now;
  }

  static void write(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }

  std::function<void()> quit;
  asio::steady_timer timer;
  asio::posix::stream_descriptor keys;
  watch_table table;
  termios saved{};
  bool restore_keys = false;
  int stdin_flags = -1;
  bool stopped = false;
  bool dirty = true;
  watch_table::clock::time_point drawn{};
  char key = 0;
};

watch_view::watch_view(asio::io_context& io, std::function<void()> quit)
    : impl_(std::make_unique<impl>(io, std::move(quit))) {}

watch_view::~watch_view() = default;

void watch_view::add(const codec::publish& m, std::string shown) {
  impl_->table.add(m.topic, std::move(shown), m.qos, m.retain, watch_table::clock::now());
  impl_->dirty = true;
}

void watch_view::stop() {
  impl_->stop();
}

} // namespace mqtk::app::sub
