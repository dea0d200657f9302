// SPDX-License-Identifier: MIT
// Shared command-line parsing for the tools.
#include "common/cli.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "common/exit_codes.hpp"

namespace mqtk::app {

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      app.exit(e);
      return exit_ok;
    }
    fmt::print(stderr, "{}: {}\nRun '{} --help' for the options.\n", app.get_name(), e.what(),
               app.get_name());
    return exit_usage;
  }
  return std::nullopt;
}

bool parse_file_arguments(CLI::App& app, std::vector<std::string> args, const std::string& path,
                          std::string& why) {
  std::reverse(args.begin(), args.end()); // CLI11 takes a vector last argument first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    why = path + ": " + e.what();
    return false;
  }
  return true;
}

int usage_error(const CLI::App& app, const std::string& message) {
  fmt::print(stderr, "{}: {}\n", app.get_name(), message);
  return exit_usage;
}

} // namespace mqtk::app
