// SPDX-License-Identifier: MIT
// ANSI SGR sequences, only where colour_for() said a person is looking.
#include "common/colour.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace mqtk::app {
namespace {

constexpr std::string_view reset = "\x1b[0m";

std::string paint(std::string_view sgr, std::string_view text) {
  std::string out;
  out.reserve(text.size() + 12);
  out.append("\x1b[").append(sgr).append("m").append(text).append(reset);
  return out;
}

bool hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

} // namespace

bool valid_colour_mode(const std::string& when) {
  return when == "auto" || when == "always" || when == "never";
}

bool colour_for(const std::string& when, int fd) {
  if (when == "always") return true;
  if (when != "auto") return false;
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(fd) == 1;
}

std::string diagnostic(bool on, std::string_view tool, std::string_view message) {
  if (!on) return std::string(tool) + ": " + std::string(message);
  std::string out = paint("1;31", std::string(tool) + ":") + " ";
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (i + 3 < message.size() && message[i] == '0' && message[i + 1] == 'x' &&
        hex_digit(message[i + 2]) && hex_digit(message[i + 3])) {
      out += paint("33", message.substr(i, 4));
      i += 3;
    } else {
      out += message[i];
    }
  }
  return out;
}

std::string trace_line(bool on, std::string_view line) {
  if (!on || line.size() < 3 || line[2] != ' ') return std::string(line);
  const auto direction = line.substr(0, 2);
  const bool sent = direction == "->";
  if (!sent && direction != "<-") return std::string(line);
  const auto rest = line.substr(3);
  const auto name_end = std::min(rest.find('('), rest.size());
  return paint(sent ? "32" : "35", direction) + " " + paint("1", rest.substr(0, name_end)) +
         std::string(rest.substr(name_end));
}

std::string topic_text(bool on, std::string_view topic) {
  return on ? paint("36", topic) : std::string(topic);
}

} // namespace mqtk::app
