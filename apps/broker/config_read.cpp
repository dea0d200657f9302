// SPDX-License-Identifier: MIT
// Reading mqtk-broker's config file: lines, comments, include_dir, and each key to its entry in
// the key table (config_file.cpp) or to the bridge and foreign-key readers.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "broker/config_file.hpp"

namespace mqtk::app::broker {
namespace {

// Reads one file into `f`; include_dir reads a directory's *.conf files in name order, as
// mosquitto does. Every problem is collected, so a file is fixed in one round, not one per line.
void read_into(const std::string& path, file_settings& f, std::vector<std::string>& problems,
               int depth) {
  std::ifstream in(path);
  if (!in) {
    problems.push_back(fmt::format("cannot read config file {}", path));
    return;
  }
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    // A line whose first word starts with # is a comment, as in mosquitto.
    if (const auto first = line.find_first_not_of(" \t");
        first != std::string::npos && line[first] == '#')
      continue;
    std::istringstream words(line);
    std::string key, a, b, extra;
    if (!(words >> key)) continue;
    std::vector<std::string> values;
    for (std::string w; words >> w;) {
      // A word starting with # ends the line as a comment, except a bridge topic's pattern,
      // where # is the wildcard (topic # both).
      if (w.front() == '#' && !(key == "topic" && values.empty())) break;
      values.push_back(std::move(w));
    }
    a = values.size() > 0 ? values[0] : "";
    b = values.size() > 1 ? values[1] : "";
    extra = values.size() > 2 ? values[2] : "";
    if (key == "log_timestamp_format") { // a strftime format: the rest of the line, spaces and all
      const auto from = line.find_first_not_of(" \t", line.find(key) + key.size());
      const auto to = line.find_last_not_of(" \t\r");
      a = from == std::string::npos ? "" : line.substr(from, to - from + 1);
      b.clear();
      extra.clear();
    }
    const auto bad = [&](const std::string& why) {
      problems.push_back(fmt::format("{}:{}: {}", path, n, why));
    };
    if (std::string why; read_bridge_line(key, values, f, why)) {
      const auto remarks = f.warnings.size();
      if (!why.empty()) bad(why);
      if (f.warnings.size() > remarks)
        f.warnings.back() = fmt::format("{}:{}: {}", path, n, f.warnings.back());
      continue;
    }
    if (!extra.empty()) {
      bad(fmt::format("too many values for '{}'", key));
      continue;
    }
    if (key == "include_dir") {
      if (a.empty() || !b.empty()) {
        bad("include_dir needs one directory");
      } else if (depth >= 8) {
        bad("include_dir nested too deep (8 levels)");
      } else {
        std::error_code ec;
        std::vector<std::string> files;
        for (const auto& e : std::filesystem::directory_iterator(a, ec))
          if (e.path().extension() == ".conf") files.push_back(e.path().string());
        if (ec) bad(fmt::format("include_dir {}: {}", a, ec.message()));
        std::sort(files.begin(), files.end());
        for (const auto& file : files)
          read_into(file, f, problems, depth + 1);
      }
      continue;
    }
    const auto keys = config_keys();
    const auto k =
        std::find_if(keys.begin(), keys.end(), [&](const config_key& c) { return key == c.key; });
    if (k == keys.end()) {
      const auto remarks = f.warnings.size();
      if (!accepted_foreign(key, f)) bad(unknown_key(key));
      if (f.warnings.size() > remarks)
        f.warnings.back() = fmt::format("{}:{}: {}", path, n, f.warnings.back());
      continue;
    }
    const auto remarks = f.warnings.size();
    if (auto why = k->apply(a, b, f); !why.empty()) bad(why);
    if (f.warnings.size() > remarks)
      f.warnings.back() = fmt::format("{}:{}: {}", path, n, f.warnings.back());
  }
}

} // namespace

result<file_settings> read_config_file(const std::string& path, std::string& error) {
  file_settings f;
  std::vector<std::string> problems;
  read_into(path, f, problems, 0);
  for (const auto& b : f.bridges)
    if (auto why = b.problem(); !why.empty()) problems.push_back(fmt::format("{}: {}", path, why));
  if (problems.empty()) return f;
  error.clear();
  for (const auto& p : problems)
    error += (error.empty() ? "" : "\nmqtk-broker: ") + p;
  return unexpected(std::make_error_code(std::errc::invalid_argument));
}

} // namespace mqtk::app::broker
