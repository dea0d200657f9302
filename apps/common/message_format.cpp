// SPDX-License-Identifier: MIT
// Rendering -F formats.
#include "common/message_format.hpp"

#include <ctime>
#include <fmt/format.h>

#include "common/mosquitto_json.hpp"

namespace mqtk::app {
namespace {

constexpr std::string_view percent_codes = "%AjJCDEFIlmPpqRrStUxX";

struct spec {
  bool left = false;
  std::size_t width = 0;
  std::optional<std::size_t> precision;
};

// Parses "[-][width][.precision]" after '%'; `i` ends on the code character.
spec parse_spec(std::string_view f, std::size_t& i) {
  spec s;
  if (i < f.size() && f[i] == '-') s.left = true, ++i;
  while (i < f.size() && f[i] >= '0' && f[i] <= '9')
    s.width = s.width * 10 + std::size_t(f[i++] - '0');
  if (i < f.size() && f[i] == '.') {
    s.precision = 0;
    ++i;
    while (i < f.size() && f[i] >= '0' && f[i] <= '9')
      *s.precision = *s.precision * 10 + std::size_t(f[i++] - '0');
  }
  return s;
}

void emit(std::string& out, std::string_view text, const spec& s) {
  if (s.precision && text.size() > *s.precision) text = text.substr(0, *s.precision);
  const auto pad = s.width > text.size() ? s.width - text.size() : 0;
  if (!s.left) out.append(pad, ' ');
  out.append(text);
  if (s.left) out.append(pad, ' ');
}

std::string hex(std::string_view bytes, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xF]);
  }
  return out;
}

template <class T>
std::string opt(const std::optional<T>& v) {
  return v ? fmt::format("{}", *v) : std::string();
}

std::string iso_time(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::localtime_r(&secs, &tm);
  char buf[64];
  return std::string(buf, std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm));
}

// One % code's text; nullopt when %J meets a payload that is not JSON.
std::optional<std::string> percent(char code, const codec::publish& m,
                                   std::chrono::system_clock::time_point t, bool pretty) {
  const auto& p = m.props;
  switch (code) {
  case '%':
    return "%";
  case 'A':
    return opt(p.topic_alias);
  case 'C':
    return p.content_type.value_or("");
  case 'D':
    return p.correlation_data.value_or("");
  case 'E':
    return opt(p.message_expiry_interval);
  case 'F':
    return p.payload_format_indicator ? std::to_string(*p.payload_format_indicator) : "";
  case 'I':
    return iso_time(t);
  case 'j':
  case 'J':
    return mosquitto_json(m, t, code == 'J', pretty);
  case 'l':
    return std::to_string(m.payload.size());
  case 'm':
    return std::to_string(m.packet_id);
  case 'P': {
    std::string out;
    for (const auto& [k, v] : p.user_properties)
      out += (out.empty() ? "" : " ") + k + ":" + v;
    return out;
  }
  case 'p':
    return m.payload;
  case 'q':
    return std::to_string(m.qos);
  case 'R':
    return p.response_topic.value_or("");
  case 'r':
    return m.retain ? "1" : "0";
  case 'S': {
    std::string out;
    for (const auto id : p.subscription_identifiers)
      out += (out.empty() ? "" : ",") + std::to_string(id);
    return out;
  }
  case 't':
    return m.topic;
  case 'U': {
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    return fmt::format("{}.{:09d}", ns / 1'000'000'000, ns % 1'000'000'000);
  }
  case 'x':
    return hex(m.payload, false);
  case 'X':
    return hex(m.payload, true);
  default:
    return {};
  }
}

std::string at(char code, std::chrono::system_clock::time_point t) {
  if (code == '@') return "@";
  if (code == 'N') {
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    return fmt::format("{:09d}", ns % 1'000'000'000);
  }
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::localtime_r(&secs, &tm);
  const char f[3] = {'%', code, '\0'};
  char buf[128];
  return std::string(buf, std::strftime(buf, sizeof buf, f, &tm));
}

char escape(char c) {
  switch (c) {
  case '\\':
    return '\\';
  case '0':
    return '\0';
  case 'a':
    return '\a';
  case 'e':
    return '\x1b';
  case 'n':
    return '\n';
  case 'r':
    return '\r';
  case 't':
    return '\t';
  case 'v':
    return '\v';
  default:
    return 0x7F; // not an escape
  }
}

constexpr std::string_view strftime_codes = "aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ";

} // namespace

std::string check_format(std::string_view f) {
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '%') {
      ++i;
      parse_spec(f, i);
      if (i >= f.size()) return "-F ends in the middle of a % code";
      if (percent_codes.find(f[i]) == std::string_view::npos)
        return fmt::format("-F: unknown code %{}", f[i]);
    } else if (f[i] == '@') {
      if (++i >= f.size()) return "-F ends in the middle of an @ code";
      if (f[i] != '@' && f[i] != 'N' && strftime_codes.find(f[i]) == std::string_view::npos)
        return fmt::format("-F: unknown code @{}", f[i]);
    } else if (f[i] == '\\') {
      if (++i >= f.size()) return "-F ends in the middle of a \\ escape";
      if (escape(f[i]) == 0x7F) return fmt::format("-F: unknown escape \\{}", f[i]);
    }
  }
  return {};
}

std::string render(std::string_view f, const codec::publish& m,
                   std::chrono::system_clock::time_point received, bool pretty, bool& whole) {
  whole = true;
  std::string out;
  out.reserve(f.size() + m.payload.size());
  for (std::size_t i = 0; i < f.size(); ++i) {
    const char c = f[i];
    if (c == '%' && i + 1 < f.size()) {
      ++i;
      const auto s = parse_spec(f, i);
      if (i >= f.size()) break; // check_format() refuses this; stay in bounds regardless
      const auto text = percent(f[i], m, received, pretty);
      if (text)
        emit(out, *text, s);
      else
        whole = false; // as mosquitto_sub: %J shows nothing, the rest of the line follows
    } else if (c == '@' && i + 1 < f.size()) {
      out += at(f[++i], received);
    } else if (c == '\\' && i + 1 < f.size()) {
      out.push_back(escape(f[++i]));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

} // namespace mqtk::app
