// SPDX-License-Identifier: MIT
// The ACL checks. A rule's filter is compared level by level with the topic (or, for SUBSCRIBE,
// with the filter asked for). In a pattern, a level holding %u or %c is compared as literal
// text after the substitution, never as a wildcard: a user named "+" or "#", or one holding
// "/", cannot widen a pattern. Such a name makes the pattern grant nothing, and makes a deny
// pattern deny that whole level.
#include <vector>

#include "mqtk/auth/acl_file.hpp"
#include "mqtk/topic/validate.hpp"

namespace mqtk::auth {
namespace {

std::vector<std::string_view> levels(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t at = 0;;) {
    const auto next = s.find('/', at);
    out.push_back(s.substr(at, next == s.npos ? s.npos : next - at));
    if (next == s.npos) return out;
    at = next + 1;
  }
}

bool tainted(std::string_view value) {
  return value.find_first_of("+#/") != value.npos;
}

// One level of a rule as it applies to `who`.
struct level {
  enum kind { literal, one, rest, never } k = literal;
  std::string text;
};

level expand(std::string_view l, bool pattern, bool deny, const acl_identity& who) {
  if (l == "#") return {level::rest, {}};
  if (l == "+") return {level::one, {}};
  if (!pattern || l.find('%') == l.npos) return {level::literal, std::string(l)};
  std::string out;
  bool bad = false;
  for (std::size_t i = 0; i < l.size(); ++i) {
    const bool sub = l[i] == '%' && i + 1 < l.size() && (l[i + 1] == 'u' || l[i + 1] == 'c');
    if (!sub) {
      out += l[i];
      continue;
    }
    const bool user = l[++i] == 'u';
    const auto value = user ? who.username.value_or(std::string_view{}) : who.client_id;
    bad = bad || (user && !who.username) || value.empty() || tainted(value);
    out += value;
  }
  if (!bad) return {level::literal, std::move(out)};
  return {deny ? level::one : level::never, {}};
}

std::vector<level> expand_rule(const acl_rule& r, bool pattern, const acl_identity& who) {
  std::vector<level> out;
  for (const auto l : levels(r.filter))
    out.push_back(expand(l, pattern, r.access == acl_access::deny, who));
  return out;
}

bool is_wild(std::string_view l) {
  return l == "+" || l == "#";
}

// Whether every topic `filter` can match is matched by `rule` (for a topic name, simply: it
// matches). A rule starting with a wildcard never covers '$' topics [MQTT-4.7.2-1].
bool covers(const std::vector<level>& rule, const std::vector<std::string_view>& filter) {
  if (!rule.empty() && rule[0].k != level::literal && !filter.empty() && !filter[0].empty() &&
      filter[0][0] == '$')
    return false;
  std::size_t i = 0;
  for (; i < rule.size(); ++i) {
    const auto& r = rule[i];
    if (r.k == level::rest) return true; // also covers the parent level: "a/#" matches "a"
    if (i >= filter.size() || r.k == level::never) return false;
    if (r.k == level::one ? filter[i] == "#" : (is_wild(filter[i]) || filter[i] != r.text))
      return false;
  }
  return i == filter.size();
}

template <typename Visit>
void each_rule(const acl_table& t, const acl_identity& who, Visit&& visit) {
  const std::vector<acl_rule>* own = &t.anonymous;
  if (who.username) {
    const auto it = t.users.find(std::string(*who.username));
    own = it == t.users.end() ? nullptr : &it->second;
  }
  if (own)
    for (const auto& r : *own)
      visit(r, false);
  for (const auto& r : t.patterns)
    visit(r, true);
}

bool grants(acl_access rule, acl_access wanted) {
  return rule != acl_access::deny &&
         (static_cast<unsigned>(rule) & static_cast<unsigned>(wanted)) != 0;
}

// Deny first, then any grant of `wanted`.
bool check(const acl_table& t, const acl_identity& who, std::string_view what, acl_access wanted) {
  const auto asked = levels(what);
  bool denied = false;
  bool granted = false;
  each_rule(t, who, [&](const acl_rule& r, bool pattern) {
    if (denied || (r.access != acl_access::deny && (granted || !grants(r.access, wanted)))) return;
    if (!covers(expand_rule(r, pattern, who), asked)) return;
    (r.access == acl_access::deny ? denied : granted) = true;
  });
  return granted && !denied;
}

} // namespace

bool acl_may_write(const acl_table& t, const acl_identity& who, std::string_view topic) {
  return check(t, who, topic, acl_access::write);
}

bool acl_may_read(const acl_table& t, const acl_identity& who, std::string_view topic) {
  return check(t, who, topic, acl_access::read);
}

bool acl_may_subscribe(const acl_table& t, const acl_identity& who, std::string_view filter) {
  if (const auto shared = topic::parse_shared(filter)) filter = shared->filter;
  return check(t, who, filter, acl_access::read);
}

} // namespace mqtk::auth
