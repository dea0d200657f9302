// SPDX-License-Identifier: MIT
// One message to standard output, in the style the flags chose.
#include "common/message_output.hpp"

#include <chrono>
#include <cstdio>
#include <fmt/format.h>

#include "common/colour.hpp"
#include "common/message_format.hpp"
#include "common/option_families.hpp"
#include "mqtk/jsonl/json_message.hpp"

namespace mqtk::app {
namespace {

bool put(std::string_view text) {
  return std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
}

} // namespace

void add_output_flags(CLI::App& app, output_flags& f, const char* g) {
  new_option_family(app);
  app.add_flag("-v,--verbose", f.verbose, "Print 'topic payload'")->group(g);
  app.add_flag("-N,--no-newline", f.no_newline, "Print no newline after each payload")->group(g);
  app.add_flag("-j,--json", f.json,
               "One JSON object per line: timestamp, topic, qos, retain, payload_encoding, "
               "payload, properties")
      ->group(g);
  lazy_option_family(app, {"pretty"}, [&app, &f, g] {
    app.add_flag("--pretty", f.pretty, "Indent JSON payloads (and -j objects) for people")
        ->group(g);
  });
  app.add_option(
         "-F,--format", f.format,
         "Print each message as FORMAT: %t topic, %p payload, %x hex, %l length, %q qos, "
         "%r retain, %m id, %I/%U time, %j/%J mosquitto_sub's JSON, v5 %A %C %D %E %F %P %R %S, @ "
         "strftime codes, \\n escapes (see mqtk-sub(1))")
      ->type_name("FORMAT")
      ->group(g);
}

bool check_output_flags(const output_flags& f, std::string& why) {
  if (int(f.json) + int(!f.format.empty()) + int(f.verbose) > 1)
    return why = "-j, -F and -v exclude each other", false;
  if (!f.format.empty()) why = check_format(f.format);
  return why.empty();
}

bool any_output_flag(const output_flags& f) {
  return f.verbose || f.no_newline || f.json || f.pretty || !f.format.empty();
}

bool write_message(const output_style& s, const codec::publish& m, std::string& note) {
  // The payload as it is, with -v's topic before it: written in pieces, never copied, so a
  // 200 MB message costs one copy of itself.
  if (s.format.empty() && !s.json && !s.pretty)
    return (!s.verbose || (put(topic_text(s.colour, m.topic)) && put(" "))) && put(m.payload) &&
           (s.no_newline || put("\n"));
  const auto now = std::chrono::system_clock::now();
  std::string line;
  if (!s.format.empty()) {
    bool whole = true;
    line = render(s.format, m, now, s.pretty, whole);
    // As mosquitto_sub: %J shows nothing for a payload that is not JSON, and says so.
    if (!whole) note = fmt::format("payload on {} is not valid JSON; %J cannot show it", m.topic);
  } else if (s.json) {
    line = jsonl::json_line(m, now);
    if (s.pretty) line = jsonl::indented_json(line).value_or(line);
  } else { // --pretty
    auto payload = jsonl::indented_json(m.payload).value_or(m.payload);
    line = s.verbose ? topic_text(s.colour, m.topic) + " " + payload : std::move(payload);
  }
  if (s.json || !s.no_newline) line.push_back('\n');
  return put(line);
}

} // namespace mqtk::app
