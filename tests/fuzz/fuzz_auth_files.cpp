// SPDX-License-Identifier: MIT
// libFuzzer target for the password and ACL file parsers (files users write by hand, and that
// SIGHUP re-reads). First byte: which parser. For ACLs, the input's last line also picks who asks
// and what for, so the rule matcher runs on what the parser made. Oracle: no crash, leak, UB or
// hang; a problem names a line inside the file; an account read is written back as a line that
// reads the same; subscribing to a filter without wildcards grants no more than reading it.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mqtk/auth/acl_file.hpp"
#include "mqtk/auth/password_file.hpp"

using namespace mqtk;
using namespace mqtk::auth;

namespace {

[[noreturn]] void fail() {
  std::abort();
}

void check_lines(const std::vector<file_problem>& problems, std::string_view text) {
  const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const auto& p : problems)
    if (p.line < 1 || p.line > lines) fail();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<file_problem> problems;
  if (data[0] & 1) {
    const auto table = parse_password_file(text, problems);
    check_lines(problems, text);
    // What was read is written back as a line that reads the same (the format mosquitto_passwd
    // writes).
    for (const auto& [user, e] : table.users) {
      std::vector<file_problem> again;
      const auto t = parse_password_file(format_password_line(user, e), again);
      const auto it = t.users.find(user);
      if (!again.empty() || it == t.users.end()) fail();
      const auto& f = it->second;
      if (f.kind != e.kind || f.iterations != e.iterations || f.salt != e.salt ||
          f.digest != e.digest || f.server_key != e.server_key)
        fail();
    }
    return 0;
  }
  const auto table = parse_acl_file(text, problems);
  check_lines(problems, text);
  // The last line: "user client topic", any of them possibly empty.
  const auto nl = text.rfind('\n');
  const std::string_view last = nl == std::string_view::npos ? text : text.substr(nl + 1);
  const auto a = last.find(' '), b = a == std::string_view::npos ? a : last.find(' ', a + 1);
  const std::string_view user = last.substr(0, a);
  const std::string_view client = a == std::string_view::npos ? "" : last.substr(a + 1, b - a - 1);
  const std::string_view topic = b == std::string_view::npos ? "t" : last.substr(b + 1);
  for (const bool anonymous : {false, true}) {
    acl_identity who;
    if (!anonymous) who.username = user;
    who.client_id = client;
    (void)acl_may_write(table, who, topic);
    const bool reads = acl_may_read(table, who, topic);
    const bool subscribes = acl_may_subscribe(table, who, topic);
    // A filter without wildcards matches only itself: subscribing grants no more than reading.
    if (subscribes && !reads && topic.find_first_of("+#") == std::string_view::npos &&
        topic.rfind("$share/", 0) != 0)
      fail();
  }
  return 0;
}
