// SPDX-License-Identifier: MIT
// Rewording CLI11's messages: it lists unexpected arguments last first, calls "abc" for a port
// "not in range", and never suggests the option a typo meant.
#include "common/cli_errors.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <fmt/format.h>
#include <regex>
#include <string_view>
#include <vector>

namespace mqtk::app {
namespace {

// Optimal string alignment distance: a swapped pair of letters ("retian") costs one edit.
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

void collect_names(const CLI::App& app, std::vector<std::string>& names) {
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue; // a test hook, not for people
    for (const auto& l : o->get_lnames())
      names.push_back("--" + l);
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    collect_names(*sub, names);
}

// mosquitto_pub / mosquitto_sub options that mqtk deliberately lacks, and what to do instead.
const char* not_supported(const std::string& option) {
  if (option == "--psk" || option == "--psk-identity")
    return "TLS-PSK is not supported; mqtk authenticates brokers with certificates (--cafile, "
           "--cert, --key)";
  if (option == "--proxy") return "SOCKS5 proxies are not supported";
  if (option == "--keyform" || option == "--tls-engine" || option == "--tls-engine-kpass-sha1")
    return "OpenSSL engines are not supported (OpenSSL 3 deprecates them); give a PEM key with "
           "--key";
  return nullptr;
}

std::string unknown_option(const std::string& arg, const CLI::App& app) {
  const auto option = arg.substr(0, arg.find('='));
  if (const char* why = not_supported(option)) return fmt::format("{}: {}", option, why);
  if (option.size() > 64) return fmt::format("unknown option {}...", option.substr(0, 64));
  std::vector<std::string> names;
  collect_names(app, names);
  std::size_t best = std::max<std::size_t>(2, option.size() / 4) + 1;
  std::vector<std::string> near;
  for (const auto& n : names) {
    const auto d = distance(option, n);
    if (d < best) best = d, near.clear();
    if (d == best && std::find(near.begin(), near.end(), n) == near.end()) near.push_back(n);
  }
  if (option.rfind("--", 0) != 0 || near.empty()) return fmt::format("unknown option {}", option);
  return fmt::format("unknown option {}; did you mean {}?", option, fmt::join(near, " or "));
}

std::string extras(const CLI::App& app) {
  const auto rest = app.remaining();
  if (rest.empty()) return "unexpected arguments";
  const auto& first = rest.front();
  if (first.size() > 1 && first[0] == '-') return unknown_option(first, app);
  return fmt::format("unexpected argument '{}' (each option takes one value: quote a value that "
                     "holds spaces)",
                     first);
}

} // namespace

std::string explain(const CLI::ParseError& e, const CLI::App& app) {
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) return extras(app);
  const std::string what = e.what();
  if (what.size() > 400) return what; // std::regex recurses per character: keep it short
  std::smatch m;
  static const std::regex range("^(.*): Value (.*) not in range (.*) to (.*)$");
  if (std::regex_match(what, m, range)) {
    const auto value = m[2].str();
    const bool number =
        !value.empty() && value.find_first_not_of("-0123456789") == std::string::npos;
    return fmt::format("{}: {} {}; give a number from {} to {}", m[1].str(),
                       number ? value : "'" + value + "'",
                       number ? "is out of range" : "is not a number", m[3].str(), m[4].str());
  }
  static const std::regex missing("^(.*): [0-9]+ required (.*) missing$");
  if (std::regex_match(what, m, missing))
    return fmt::format("{} needs a value ({})", m[1].str(), m[2].str());
  return what;
}

std::vector<std::string> plain_synopsis(const std::string& tool, const std::string& roff) {
  std::vector<std::string> forms(1);
  std::size_t start = 0;
  while (start <= roff.size()) {
    const auto end = std::min(roff.find('\n', start), roff.size());
    std::string_view line(roff.data() + start, end - start);
    start = end + 1;
    if (line == ".br") {
      forms.emplace_back();
      continue;
    }
    if (line.rfind(".B ", 0) == 0) line.remove_prefix(3);
    auto& form = forms.back();
    if (!form.empty()) form += ' ';
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 2 < line.size() && line[i + 1] == 'f')
        i += 2; // \fB, \fI, \fR: a font change
      else if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '-')
        form += '-', ++i;
      else
        form += line[i];
    }
  }
  for (auto& f : forms)
    if (f.rfind(tool + " ", 0) != 0 && f != tool) f = tool + " " + f;
  return forms;
}

} // namespace mqtk::app
