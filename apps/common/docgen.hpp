// SPDX-License-Identifier: MIT
// Man pages and shell completions generated from a tool's CLI11 definition, so that --help,
// the manual and the completions cannot drift apart (CLI11 2.1 has no generator of its own).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/cli_fwd.hpp"

namespace mqtk::app {

/// What a man page says besides the options. Bodies are roff source.
struct page_info {
  std::string section = "1"; ///< "1" for the clients, "8" for the broker
  std::string synopsis;      ///< after the name, e.g. "[OPTIONS] -t TOPIC -m MESSAGE"
  std::string description;
  /// Further sections in order (OUTPUT FORMAT, EXIT STATUS, ENVIRONMENT, FILES), title → body.
  std::vector<std::pair<std::string, std::string>> sections;
  /// EXAMPLES: what it does → the command (tests run each one against a local broker).
  std::vector<std::pair<std::string, std::string>> examples;
  std::string see_also;
};

/// How an option's value completes, from its type name: "A|B|C" enumerates values; FILE and
/// PATH complete file names, DIR directories, URL the schemes; anything else is free text.
enum class value_kind { none, free, choice, file, directory, url };
value_kind kind_of(const CLI::Option& o);
/// An option meant for people: not one in CLI11's hidden group "" (a test hook), which --help,
/// the man page and the completions leave out alike.
bool documented(const CLI::Option* o);
/// The option's value as --help names it (FILE, 0|1|2, ...), without a check's description.
std::string value_name(const CLI::Option& o);

std::string man_page(const CLI::App& app, const page_info& info, const std::string& version);
std::string bash_completion(const CLI::App& app);
std::string zsh_completion(const CLI::App& app);
std::string fish_completion(const CLI::App& app);

/// `--generate man|bash|zsh|fish` as the only arguments (a maintainer's switch, not in --help):
/// prints the document and returns true.
bool generate_requested(const CLI::App& app, const page_info& info, const std::string& version,
                        int argc, char** argv);

} // namespace mqtk::app
