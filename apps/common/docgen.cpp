// SPDX-License-Identifier: MIT
// The man page generator and the shared walk over a CLI11 app's options.
#include "common/docgen.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <iostream>

namespace mqtk::app {
namespace {

// roff: a backslash is \e, a hyphen in an option name is \-, and a line must not start with a
// control character.
std::string roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (const char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\')
      out += "\\e";
    else
      out.push_back(c);
    line_start = c == '\n';
  }
  return out;
}

// Hyphens in option names are minus signs, so that a name copied from the page works.
std::string minus(std::string_view name) {
  std::string out;
  for (const char c : name)
    out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

std::string option_names(const CLI::Option& o) {
  std::string out;
  for (const auto& s : o.get_snames())
    out += (out.empty() ? "" : ", ") + fmt::format("\\fB\\-{}\\fR", s);
  for (const auto& l : o.get_lnames())
    out += (out.empty() ? "" : ", ") + fmt::format("\\fB\\-\\-{}\\fR", minus(l));
  if (kind_of(o) != value_kind::none) {
    const auto t = value_name(o);
    const auto value = "\\fI" + roff(t.empty() ? "VALUE" : t) + "\\fR";
    out += o.get_expected_min() == 0 ? " [" + value + "]" : " " + value;
  }
  return out;
}

std::string upper(std::string s) {
  for (auto& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

} // namespace

std::string value_name(const CLI::Option& o) {
  // CLI11 appends a check's description (":INT in [0 - 2]"); the name is what comes before.
  auto t = o.get_type_name();
  return t.substr(0, t.find(':'));
}

bool documented(const CLI::Option* o) {
  return !o->get_group().empty();
}

value_kind kind_of(const CLI::Option& o) {
  if (o.get_type_size_max() == 0 || o.get_items_expected_max() == 0) return value_kind::none;
  const auto t = value_name(o);
  if (t.find('|') != std::string::npos) return value_kind::choice;
  if (t == "FILE" || t == "PATH") return value_kind::file;
  if (t == "DIR") return value_kind::directory;
  if (t == "URL") return value_kind::url;
  return value_kind::free;
}

std::string man_page(const CLI::App& app, const page_info& info, const std::string& version) {
  const auto& name = app.get_name();
  std::string out =
      fmt::format(".TH {} {} \"\" \"{}\" \"mqtk\"\n", upper(name), info.section, roff(version));
  const auto& desc = app.get_description();
  const auto colon = desc.find(": ");
  out += fmt::format(".SH NAME\n{} \\- {}\n", name,
                     roff(colon == std::string::npos ? desc : desc.substr(colon + 2)));
  out += fmt::format(".SH SYNOPSIS\n.B {}\n{}\n", name, info.synopsis);
  out += ".SH DESCRIPTION\n" + info.description + "\n.SH OPTIONS\n";
  std::vector<std::string> groups;
  for (const auto* o : app.get_options(documented))
    if (std::find(groups.begin(), groups.end(), o->get_group()) == groups.end())
      groups.push_back(o->get_group());
  for (const auto& g : groups) {
    out += ".SS " + roff(g) + "\n";
    for (const auto* o : app.get_options([&](const CLI::Option* x) { return x->get_group() == g; }))
      out += ".TP\n" + option_names(*o) + "\n" + roff(o->get_description()) + "\n";
  }
  for (const auto& [title, body] : info.sections)
    out += ".SH " + title + "\n" + body + "\n";
  if (!info.examples.empty()) {
    out += ".SH EXAMPLES\n";
    for (const auto& [what, command] : info.examples)
      out += ".PP\n" + roff(what) + "\n.PP\n.RS\n.EX\n" + roff(command) + "\n.EE\n.RE\n";
  }
  if (!info.see_also.empty()) out += ".SH SEE ALSO\n" + info.see_also + "\n";
  return out;
}

bool generate_requested(const CLI::App& app, const page_info& info, const std::string& version,
                        int argc, char** argv) {
  if (argc != 3 || std::string_view(argv[1]) != "--generate") return false;
  const std::string_view what(argv[2]);
  if (what == "man")
    std::cout << man_page(app, info, version);
  else if (what == "bash")
    std::cout << bash_completion(app);
  else if (what == "zsh")
    std::cout << zsh_completion(app);
  else if (what == "fish")
    std::cout << fish_completion(app);
  else
    return false;
  return true;
}

} // namespace mqtk::app
