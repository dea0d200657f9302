// SPDX-License-Identifier: MIT
// mqtk-passwd's settings: mosquitto_passwd's interface.
#pragma once

#include <optional>
#include <string>

#include "common/docgen.hpp"
#include "mqtk/auth/password_file.hpp"

namespace mqtk::app::passwd {

enum class action { set, remove, upgrade };

struct settings {
  action what = action::set;
  std::string file;
  std::string user;
  std::optional<std::string> password; ///< -b's; otherwise read from the terminal or stdin
  bool create = false;                 ///< -c: a new file, replacing any old one
  auth::hash_kind kind = auth::hash_kind::sha512_pbkdf2;
  unsigned iterations = 0; ///< set from -I or the default
};

page_info manual();
std::optional<settings> parse(int argc, char** argv, int& exit_status);

} // namespace mqtk::app::passwd
