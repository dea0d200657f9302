// SPDX-License-Identifier: MIT
// mqtk-pub: entry point.
#include <csignal>
#include <cstdio>
#include <iostream>

#include "pub/options.hpp"
#include "pub/run.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  // std::cin gets a buffer of its own, so -l can see which lines are already there and send
  // them together.
  std::ios::sync_with_stdio(false);
  int status = 0;
  const auto settings = mqtk::app::pub::parse(argc, argv, status);
  if (!settings) return status;
  status = mqtk::app::pub::run(*settings);
  std::fflush(nullptr);
  // A -l reader thread may still be blocked on standard input; do not wait for it.
  std::_Exit(status);
}
