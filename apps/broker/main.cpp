// SPDX-License-Identifier: MIT
// mqtk-broker: entry point.
#include <csignal>

#include "broker/options.hpp"
#include "broker/run.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN); // a peer that vanishes mid-write is an error code, not a death
  int status = 0;
  const auto settings = mqtk::app::broker::parse(argc, argv, status);
  if (!settings) return status;
  return mqtk::app::broker::run(*settings);
}
