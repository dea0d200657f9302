// SPDX-License-Identifier: MIT
// Parsing of the ACL file; the checks are in acl_check.cpp.
#include "mqtk/auth/acl_file.hpp"

#include "mqtk/core/text.hpp"
#include "mqtk/topic/validate.hpp"

namespace mqtk::auth {
namespace {

// The first word of `s`, which is left holding the rest (trimmed).
std::string_view word(std::string_view& s) {
  const auto end = s.find_first_of(" \t");
  const auto w = s.substr(0, end);
  s = end == s.npos ? std::string_view{} : trim(s.substr(end));
  return w;
}

std::optional<acl_access> access_word(std::string_view w) {
  if (w == "read") return acl_access::read;
  if (w == "write") return acl_access::write;
  if (w == "readwrite") return acl_access::readwrite;
  if (w == "deny") return acl_access::deny;
  return std::nullopt;
}

// A pattern is checked as the filter it becomes for an ordinary client.
std::string sample_expansion(std::string_view pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size() &&
        (pattern[i + 1] == 'u' || pattern[i + 1] == 'c')) {
      out += 'x';
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

// `topic`/`pattern` rest of line: [ACCESS] FILTER. Empty `why` on success.
acl_rule parse_rule(std::string_view rest, bool pattern, std::string& why) {
  acl_rule r;
  std::string_view after = rest;
  if (const auto a = access_word(word(after))) {
    if (after.empty()) {
      why = "no topic filter after the access word";
      return r;
    }
    r.access = *a;
    rest = after;
  }
  // The filter is the rest of the line, spaces included, as mosquitto reads it.
  r.filter = std::string(rest);
  if (r.filter.empty())
    why = "no topic filter";
  else if (topic::validate_filter(pattern ? sample_expansion(r.filter) : r.filter))
    why = "'" + r.filter + "' is not a valid topic filter";
  return r;
}

} // namespace

acl_table parse_acl_file(std::string_view text, std::vector<file_problem>& problems) {
  acl_table t;
  std::vector<acl_rule>* section = &t.anonymous;
  std::size_t number = 0;
  for (std::size_t at = 0; at <= text.size();) {
    const auto end = std::min(text.find('\n', at), text.size());
    auto line = trim(text.substr(at, end - at));
    at = end + 1;
    ++number;
    if (line.empty() || line.front() == '#') continue;
    const auto key = word(line);
    if (key == "user") {
      if (line.empty()) {
        problems.push_back({number, "'user' needs a user name"});
        section = nullptr; // rules below must not fall to the previous section
        continue;
      }
      section = &t.users[std::string(line)];
      continue;
    }
    if (key != "topic" && key != "pattern") {
      problems.push_back(
          {number, "unknown keyword '" + std::string(key) + "' (known: user, topic, pattern)"});
      continue;
    }
    std::string why;
    auto rule = parse_rule(line, key == "pattern", why);
    if (!why.empty()) {
      problems.push_back({number, std::string(key) + ": " + why});
      continue;
    }
    if (key == "pattern")
      t.patterns.push_back(std::move(rule));
    else if (section)
      section->push_back(std::move(rule));
    else
      problems.push_back({number, "topic: the 'user' line above is broken, so this rule is "
                                  "not used"});
  }
  return t;
}

} // namespace mqtk::auth
