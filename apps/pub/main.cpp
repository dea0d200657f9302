// SPDX-License-Identifier: MIT
// mqtk-pub: entry point.
#include <csignal>
#include <cstdio>

#include "pub/options.hpp"
#include "pub/run.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  int status = 0;
  const auto settings = mqtk::app::pub::parse(argc, argv, status);
  if (!settings) return status;
  status = mqtk::app::pub::run(*settings);
  std::fflush(nullptr);
  // A -l reader thread may still be blocked on standard input; do not wait for it.
  std::_Exit(status);
}
