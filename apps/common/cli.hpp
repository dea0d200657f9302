// SPDX-License-Identifier: MIT
// Running a tool's CLI11 parser the way every mqtk tool does.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/docgen.hpp"
#include "common/option_families.hpp"
#include "common/options_file.hpp"
#include "common/version.hpp"

namespace mqtk::app {

/// Parses argv with `app`. Returns nullopt when the tool should go on; otherwise the exit
/// status: 0 after --help or --version (printed), 2 after a usage error (printed to stderr with
/// a pointer to --help).
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv);

/// Prints "TOOL: MESSAGE" to stderr and returns exit status 2.
int usage_error(const CLI::App& app, const std::string& message);
/// The same followed by a usage line from the man page's (roff) synopsis and a pointer to
/// --help: for a tool run with no arguments at all.
int usage_error(const CLI::App& app, const std::string& message, const std::string& synopsis);

} // namespace mqtk::app

namespace mqtk::app {

/// Parses an options file's arguments into whatever `app` binds; false (with `why`) on error.
bool parse_file_arguments(CLI::App& app, std::vector<std::string> args, const std::string& path,
                          std::string& why);

/// The whole of a tool's parse(): build the CLI11 app ("--help" only, never "-h"), let `define`
/// add the tool's options to `raw`, parse, then `validate` raw options into settings. Client
/// tools (those whose options have `conn`) read their options file first: its options apply
/// unless the command line gives them again.
/// On --help/--version or any error returns nullopt with `exit_status` set (0 or 2).
template <class Raw, class Settings>
std::optional<Settings> parse_tool(const std::string& name, const std::string& description,
                                   page_info (*manual)(), int argc, char** argv, int& exit_status,
                                   void (*define)(CLI::App&, Raw&),
                                   std::optional<Settings> (*validate)(const Raw&, std::string&)) {
  CLI::App app(description, name);
  app.set_help_flag("--help", "Print this help message and exit"); // -h is a host in mqtk
  app.set_version_flag("--version", version_line(name));
  Raw raw;
  {
    option_families families(app);
    define(app, raw);
    families.define_needed(argc, argv); // the rest keep their defaults, as options not given
    families.gather();
  }
  if (generate_requested(app, manual(), std::string("mqtk ") + MQTK_VERSION, argc, argv)) {
    exit_status = 0;
    return std::nullopt;
  }
  std::string why;
  if constexpr (requires { raw.conn.given; }) {
    std::string path;
    auto file = read_options_file(name, argc, argv, path, why);
    if (file && !file->empty()) {
      CLI::App file_app(description, name);
      file_app.set_help_flag(); // -h is a host here too
      option_families families(file_app);
      define(file_app, raw);
      families.define_all();
      families.gather();
      if (!parse_file_arguments(file_app, std::move(*file), path, why)) file.reset();
    }
    if (!file) {
      exit_status = usage_error(app, why);
      return std::nullopt;
    }
  }
  if (const auto status = parse_command_line(app, argc, argv)) {
    exit_status = *status;
    return std::nullopt;
  }
  if constexpr (requires { raw.conn.given; }) note_given(app, raw.conn);
  // What needs the parsed app (which options the command line gave, in what order), found by
  // argument-dependent lookup in the tool's namespace.
  if constexpr (requires { after_parse(app, raw); }) after_parse(app, raw);
  auto settings = validate(raw, why);
  if (!settings)
    exit_status = argc <= 1 ? usage_error(app, why, manual().synopsis) : usage_error(app, why);
  return settings;
}

} // namespace mqtk::app
