// SPDX-License-Identifier: MIT
// mqtk-broker's password and ACL files: which apply where, read and checked, at start and on
// SIGHUP.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mqtk/auth/file_policy.hpp"

namespace mqtk::app::broker {

/// What the configuration says about access, for the broker or for one listener.
struct security_files {
  std::optional<bool> allow_anonymous;
  std::optional<std::string> password_file;
  std::optional<std::string> acl_file;
  bool any() const { return allow_anonymous || password_file || acl_file; }
};

/// Whether anonymous clients get in where `f` applies: as said, else not when a password file
/// asks for credentials (mosquitto 2.0's way), else yes.
bool anonymous_allowed(const security_files& f);

/// Reads and checks the files. Every problem of every file is told in `problems` as
/// "FILE:LINE: what"; the result is empty when there is one, since a broken file must never
/// open access. `notes` gets remarks that change nothing (a password file others can read).
/// One entry per element of `where`.
std::optional<std::vector<auth::security_settings>>
load_security(const std::vector<security_files>& where, std::vector<std::string>& problems,
              std::vector<std::string>& notes);

/// A summary for the log: "2 users, 5 ACL rules".
std::string describe(const std::vector<auth::security_settings>& s);

} // namespace mqtk::app::broker
