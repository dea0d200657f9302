// SPDX-License-Identifier: MIT
// mqtk-passwd: entry point.
#include "passwd/options.hpp"
#include "passwd/run.hpp"

int main(int argc, char** argv) {
  int status = 0;
  const auto settings = mqtk::app::passwd::parse(argc, argv, status);
  if (!settings) return status;
  return mqtk::app::passwd::run(*settings);
}
