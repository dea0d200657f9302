// SPDX-License-Identifier: MIT
#include "broker/security.hpp"

#include "common/read_file.hpp"

#include <fmt/format.h>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>

namespace mqtk::app::broker {
namespace {

bool read_file(const std::string& path, std::string& text, std::string& why) {
  auto whole = read_whole_file(path, why);
  if (!whole) return why = fmt::format("{}: cannot read it: {}", path, why), false;
  text = std::move(*whole);
  return true;
}

// Parses each file once, even when several listeners share it.
template <class Table, class Parse>
std::shared_ptr<const Table> load(const std::string& path, Parse parse,
                                  std::map<std::string, std::shared_ptr<const Table>>& done,
                                  std::vector<std::string>& problems) {
  if (const auto it = done.find(path); it != done.end()) return it->second;
  std::string text, why;
  if (!read_file(path, text, why)) {
    problems.push_back(why);
    return done[path] = nullptr;
  }
  std::vector<auth::file_problem> found;
  auto t = std::make_shared<const Table>(parse(text, found));
  for (const auto& p : found)
    problems.push_back(fmt::format("{}:{}: {}", path, p.line, p.what));
  return done[path] = found.empty() ? t : nullptr;
}

void note_readable(const std::string& path, std::vector<std::string>& notes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IROTH) != 0)
    notes.push_back(fmt::format("{}: the password file is readable by every user of this "
                                "machine; 'chmod o-r {}' keeps its hashes private",
                                path, path));
}

} // namespace

bool anonymous_allowed(const security_files& f) {
  return f.allow_anonymous.value_or(!f.password_file);
}

std::optional<std::vector<auth::security_settings>>
load_security(const std::vector<security_files>& where, std::vector<std::string>& problems,
              std::vector<std::string>& notes) {
  std::map<std::string, std::shared_ptr<const auth::password_table>> passwords;
  std::map<std::string, std::shared_ptr<const auth::acl_table>> acls;
  std::vector<auth::security_settings> out;
  const auto before = problems.size();
  for (const auto& w : where) {
    auth::security_settings s;
    s.allow_anonymous = anonymous_allowed(w);
    if (w.password_file) {
      if (!passwords.count(*w.password_file)) note_readable(*w.password_file, notes);
      s.passwords = load<auth::password_table>(*w.password_file, auth::parse_password_file,
                                               passwords, problems);
    }
    if (w.allow_anonymous == false && !w.password_file)
      notes.push_back("allow_anonymous false without a password_file: a client that gives any "
                      "user name gets in (mosquitto's rule); a password_file checks them");
    if (w.acl_file)
      s.acl = load<auth::acl_table>(*w.acl_file, auth::parse_acl_file, acls, problems);
    out.push_back(std::move(s));
  }
  if (problems.size() != before) return std::nullopt;
  return out;
}

std::string describe(const std::vector<auth::security_settings>& s) {
  std::size_t users = 0, rules = 0;
  for (const auto& one : s) {
    if (one.passwords) users += one.passwords->users.size();
    if (one.acl) {
      rules += one.acl->anonymous.size() + one.acl->patterns.size();
      for (const auto& [name, list] : one.acl->users)
        rules += list.size();
    }
  }
  return fmt::format("{} users, {} ACL rules", users, rules);
}

} // namespace mqtk::app::broker
