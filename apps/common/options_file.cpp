// SPDX-License-Identifier: MIT
// Reading the options file (mosquitto_pub reads ~/.config/mosquitto_pub the same way).
#include "common/options_file.hpp"

#include <cstdlib>
#include <sstream>
#include <string_view>
#include <unistd.h>

#include "common/read_file.hpp"
#include "mqtk/core/text.hpp"

namespace mqtk::app {
namespace {

std::string explicit_path(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a(argv[i]);
    if ((a == "-o" || a == "--options-file") && i + 1 < argc) return argv[i + 1];
    if (a.starts_with("--options-file=")) return std::string(a.substr(15));
    if (a.starts_with("-o") && a.size() > 2) return std::string(a.substr(2));
  }
  return {};
}

std::string default_path(const std::string& tool) {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x != nullptr && *x != '\0')
    return std::string(x) + "/mqtk/" + tool + ".conf";
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0')
    return std::string(h) + "/.config/mqtk/" + tool + ".conf";
  return {};
}

} // namespace

std::optional<std::vector<std::string>> read_options_file(const std::string& tool, int argc,
                                                          char** argv, std::string& path,
                                                          std::string& why) {
  path = explicit_path(argc, argv);
  const bool required = !path.empty();
  if (!required) path = default_path(tool);
  std::vector<std::string> args;
  if (path.empty()) return args;
  // The default file is optional; one that exists but cannot be read is still an error.
  if (!required && ::access(path.c_str(), F_OK) != 0) return args;
  std::string reason;
  const auto text = read_whole_file(path, reason);
  if (!text) {
    why = "-o " + path + ": cannot read the options file: " + reason;
    return std::nullopt;
  }
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    const auto l = trim(line);
    if (l.empty() || l.front() == '#') continue;
    if (l.front() != '-') {
      why = path + ": '" + std::string(l) + "' is not an option (lines start with - or --)";
      return std::nullopt;
    }
    const auto space = l.find_first_of(" \t");
    args.emplace_back(l.substr(0, space));
    if (space != std::string_view::npos) args.emplace_back(trim(l.substr(space)));
  }
  return args;
}

} // namespace mqtk::app
