// SPDX-License-Identifier: MIT
// mosquitto's ACL file and its checks. The format: `topic [read|write|readwrite|deny] FILTER`
// lines before the first `user NAME` line are for anonymous clients, those after it for that
// user; `pattern [ACCESS] FILTER` lines are for every client, with `%u` (user name) and `%c`
// (client id) put in; `#` starts a comment. Without an access word a rule is readwrite. Deny
// rules are checked before any grant, and a topic no rule grants is refused (so an empty file
// denies everything).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mqtk/auth/password_file.hpp"

namespace mqtk::auth {

enum class acl_access : std::uint8_t { read = 1, write = 2, readwrite = 3, deny = 4 };

struct acl_rule {
  acl_access access = acl_access::readwrite;
  std::string filter;
};

struct acl_table {
  std::vector<acl_rule> anonymous; ///< `topic` lines before the first `user` line
  std::unordered_map<std::string, std::vector<acl_rule>> users;
  std::vector<acl_rule> patterns; ///< `pattern` lines, with %u and %c unexpanded
};

/// Every usable line of `text`; each unusable one is told in `problems` and grants nothing.
acl_table parse_acl_file(std::string_view text, std::vector<file_problem>& problems);

/// Who asks: a user name (nullopt for anonymous clients) and a client id.
struct acl_identity {
  std::optional<std::string_view> username;
  std::string_view client_id;
};

/// PUBLISH (and wills) to `topic`.
bool acl_may_write(const acl_table& t, const acl_identity& who, std::string_view topic);
/// Delivery of a message on `topic`.
bool acl_may_read(const acl_table& t, const acl_identity& who, std::string_view topic);
/// SUBSCRIBE to `filter` (a `$share/GROUP/` prefix is looked through): granted only when the
/// rules let `who` read every topic the filter can match, and refused when a deny rule covers
/// it all. A filter that overlaps a deny rule in part is granted; delivery then leaves out
/// what the rule denies.
bool acl_may_subscribe(const acl_table& t, const acl_identity& who, std::string_view filter);

} // namespace mqtk::auth
