// SPDX-License-Identifier: MIT
// mqtk-passwd: adds, changes and deletes users of a password file, or hashes a plain-text one.
// The file is written aside and renamed over the old one, so a failure never leaves half a
// file, and it keeps the old file's permissions (a new one is private to its owner).
#include "passwd/run.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <vector>

#include "common/exit_codes.hpp"
#include "common/stderr_line.hpp"
#include "mqtk/auth/password_hash.hpp"

namespace mqtk::app::passwd {
namespace {

void say(const std::string& line) {
  stderr_text(fmt::format("mqtk-passwd: {}\n", line));
}

// One line from the terminal with echo off, or from stdin when it is not a terminal.
std::optional<std::string> ask(const char* prompt) {
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (tty) {
    stderr_text(prompt);
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    stderr_text("\n");
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::string> password_of(const settings& s) {
  if (s.password) return s.password;
  auto first = ask("Password: ");
  if (!first) return say("no password given (standard input ended)"), std::nullopt;
  if (::isatty(STDIN_FILENO) == 1) {
    const auto again = ask("Reenter password: ");
    if (!again || *again != *first) return say("the passwords do not match"), std::nullopt;
  }
  if (first->empty()) return say("an empty password cannot be used"), std::nullopt;
  return first;
}

bool read_lines(const std::string& path, std::vector<std::string>& lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return say(fmt::format("cannot read {}: {}", path, std::strerror(errno))), false;
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  return true;
}

bool write_lines(const std::string& path, const std::vector<std::string>& lines) {
  struct stat st {};
  const mode_t mode = ::stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0600;
  const auto temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0) return say(fmt::format("cannot write {}: {}", temp, std::strerror(errno))), false;
  std::string text;
  for (const auto& l : lines)
    text += l + '\n';
  bool ok = ::fchmod(fd, mode) == 0;
  for (std::size_t at = 0; ok && at < text.size();) {
    const auto n = ::write(fd, text.data() + at, text.size() - at);
    ok = n > 0;
    at += ok ? static_cast<std::size_t>(n) : 0;
  }
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (ok && std::rename(temp.c_str(), path.c_str()) == 0) return true;
  say(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  std::remove(temp.c_str());
  return false;
}

// The user a line names, or empty for a comment or blank line.
std::string user_of(const std::string& line) {
  if (line.empty() || line[0] == '#') return {};
  return line.substr(0, line.find(':'));
}

std::optional<std::string> hashed(const settings& s, std::string_view user,
                                  std::string_view password) {
  std::string why;
  const auto e = auth::make_entry(password, s.kind, s.iterations, why);
  if (e.digest.empty()) return say(why), std::nullopt;
  return auth::format_password_line(user, e);
}

int set_user(const settings& s, std::vector<std::string>& lines) {
  const auto password = password_of(s);
  if (!password) return exit_failure;
  const auto line = hashed(s, s.user, *password);
  if (!line) return exit_failure;
  bool found = false;
  for (auto& l : lines)
    if (user_of(l) == s.user) {
      l = *line;
      found = true;
    }
  if (!found) lines.push_back(*line);
  return exit_ok;
}

int remove_user(const settings& s, std::vector<std::string>& lines) {
  const auto before = lines.size();
  std::erase_if(lines, [&](const std::string& l) { return user_of(l) == s.user; });
  if (lines.size() != before) return exit_ok;
  say(fmt::format("user '{}' is not in {}", s.user, s.file));
  return exit_failure;
}

// Lines already hashed stay as they are: hashing a hash again would lock the user out.
int upgrade(const settings& s, std::vector<std::string>& lines) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto& l = lines[i];
    const auto colon = l.find(':');
    if (user_of(l).empty() || colon == std::string::npos) continue;
    if (l.compare(colon + 1, 1, "$") == 0) continue; // $6$, $7$, $scram-...$
    const auto user = l.substr(0, colon);
    if (auto bad = auth::bad_user_name(user); !bad.empty()) {
      say(fmt::format("{}:{}: {}; nothing was changed", s.file, i + 1, bad));
      return exit_failure;
    }
    const auto line = hashed(s, user, std::string_view(l).substr(colon + 1));
    if (!line) return exit_failure;
    l = *line;
  }
  return exit_ok;
}

} // namespace

int run(const settings& s) {
  if (s.password)
    say("warning: a password given on the command line shows in the process list and the "
        "shell's history; leave it out to type it, or pipe it on standard input");
  std::vector<std::string> lines;
  if (!s.create && !read_lines(s.file, lines)) return exit_failure;
  int status = exit_ok;
  switch (s.what) {
  case action::set:
    status = set_user(s, lines);
    break;
  case action::remove:
    status = remove_user(s, lines);
    break;
  case action::upgrade:
    status = upgrade(s, lines);
    break;
  }
  if (status != exit_ok) return status;
  return write_lines(s.file, lines) ? exit_ok : exit_failure;
}

} // namespace mqtk::app::passwd
