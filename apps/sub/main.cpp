// SPDX-License-Identifier: MIT
// mqtk-sub: entry point.
#include <csignal>
#include <cstdio>

#include "sub/options.hpp"
#include "sub/run.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN); // a closed pipe is EPIPE on write: exit 0 quietly
  // Flushed per batch of messages (run.cpp); a larger buffer means fewer writes in between.
  static char out[64 * 1024];
  std::setvbuf(stdout, out, _IOFBF, sizeof out);
  int status = 0;
  const auto settings = mqtk::app::sub::parse(argc, argv, status);
  if (!settings) return status;
  return mqtk::app::sub::run(*settings);
}
