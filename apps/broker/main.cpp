// SPDX-License-Identifier: MIT
// mqtk-broker: entry point.
#include <csignal>
#include <cstdio>
#include <string_view>

#include "broker/config_file.hpp"
#include "broker/options.hpp"
#include "broker/run.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN); // a peer that vanishes mid-write is an error code, not a death
  if (argc == 3 && std::string_view(argv[1]) == "--generate" &&
      std::string_view(argv[2]) == "conf-man") {
    std::fputs(mqtk::app::broker::config_manual().c_str(), stdout);
    return 0;
  }
  int status = 0;
  const auto settings = mqtk::app::broker::parse(argc, argv, status);
  if (!settings) return status;
  return mqtk::app::broker::run(*settings);
}
