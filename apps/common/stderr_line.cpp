// SPDX-License-Identifier: MIT
#include "common/stderr_line.hpp"

#include <cstdio>
#include <string>

namespace mqtk::app {

void stderr_text(std::string_view text) {
  // stderr is unbuffered: one fwrite keeps a line whole between threads and processes.
  (void)std::fwrite(text.data(), 1, text.size(), stderr);
}

void stderr_line(std::string_view text) {
  std::string line;
  line.reserve(text.size() + 1);
  line.append(text).push_back('\n');
  stderr_text(line);
}

} // namespace mqtk::app
