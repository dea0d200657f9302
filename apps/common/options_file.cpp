// SPDX-License-Identifier: MIT
// Reading the options file (mosquitto_pub reads ~/.config/mosquitto_pub the same way).
#include "common/options_file.hpp"

#include <cstdlib>
#include <fstream>
#include <string_view>

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
  std::ifstream in(path);
  if (!in) {
    if (!required) return args;
    why = "-o " + path + ": cannot read the options file";
    return std::nullopt;
  }
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
