// SPDX-License-Identifier: MIT
// Shared command-line parsing for the tools.
#include "common/cli.hpp"
#include "common/stderr_line.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "common/cli_errors.hpp"
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
    stderr_text(fmt::format("{}: {}\nRun '{} --help' for the options.\n", app.get_name(),
                            explain(e, app), app.get_name()));
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
    why = path + ": " + explain(e, app);
    return false;
  }
  return true;
}

int usage_error(const CLI::App& app, const std::string& message) {
  stderr_text(fmt::format("{}: {}\n", app.get_name(), message));
  return exit_usage;
}

int usage_error(const CLI::App& app, const std::string& message, const std::string& synopsis) {
  stderr_text(fmt::format("{}: {}\n", app.get_name(), message));
  const auto forms = plain_synopsis(app.get_name(), synopsis);
  for (std::size_t i = 0; i < forms.size(); ++i)
    stderr_text(fmt::format("{}{}\n", i == 0 ? "usage: " : "       ", forms[i]));
  stderr_text(fmt::format("Run '{} --help' for the options.\n", app.get_name()));
  return exit_usage;
}

} // namespace mqtk::app
