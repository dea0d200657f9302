// SPDX-License-Identifier: MIT
// mosquitto_sub's JSON output, reproduced: its key names and order, and cJSON's way of writing
// numbers, strings and indentation (Debian's mosquitto_sub is built with cJSON 1.7.15).
#include "common/mosquitto_json.hpp"

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <vector>

namespace mqtk::app {
namespace {

// Writes JSON the way cJSON prints it. cJSON holds strings as C strings, so a string ends at its
// first NUL byte; bytes from 0x80 up pass through unchanged, valid UTF-8 or not.
class cjson_writer {
public:
  cjson_writer(std::string& out, bool pretty) : out_(out), pretty_(pretty) {}

  std::size_t depth() const noexcept { return frames_.size(); }

  void begin_object() {
    before_value();
    out_ += pretty_ ? "{\n" : "{";
    frames_.push_back({true, 0});
  }
  void key(std::string_view k) {
    if (frames_.back().members++ > 0) out_ += pretty_ ? ",\n" : ",";
    if (pretty_) out_.append(frames_.size(), '\t');
    literal(k);
    out_ += pretty_ ? ":\t" : ":";
  }
  void end_object() {
    const auto f = frames_.back();
    frames_.pop_back();
    if (pretty_) {
      if (f.members > 0) out_ += '\n';
      out_.append(frames_.size(), '\t');
    }
    out_ += '}';
  }
  void begin_array() {
    before_value();
    out_ += '[';
    frames_.push_back({false, 0});
  }
  void end_array() {
    frames_.pop_back();
    out_ += ']';
  }
  void string(std::string_view s) {
    before_value();
    literal(s);
  }
  void raw(std::string_view token) {
    before_value();
    out_ += token;
  }
  // cJSON 1.7.15's print_number: 15 significant digits unless that does not read back.
  void number(double d) {
    before_value();
    if (std::isnan(d) || std::isinf(d)) return void(out_ += "null");
    char buf[32];
    int n = std::snprintf(buf, sizeof buf, "%1.15g", d);
    const double back = std::strtod(buf, nullptr);
    const double largest = std::max(std::fabs(back), std::fabs(d));
    if (!(std::fabs(back - d) <= largest * DBL_EPSILON))
      n = std::snprintf(buf, sizeof buf, "%1.17g", d);
    out_.append(buf, static_cast<std::size_t>(n));
  }

private:
  struct frame {
    bool object;
    std::size_t members;
  };

  void before_value() {
    if (frames_.empty() || frames_.back().object) return; // an object's key() did the comma
    if (frames_.back().members++ > 0) out_ += pretty_ ? ", " : ",";
  }

  void literal(std::string_view s) {
    if (const auto nul = s.find('\0'); nul != std::string_view::npos) s = s.substr(0, nul);
    out_ += '"';
    for (const char c : s) {
      const auto b = static_cast<unsigned char>(c);
      if (b > 31 && c != '"' && c != '\\') {
        out_ += c;
        continue;
      }
      out_ += '\\';
      switch (c) {
      case '"':
      case '\\':
        out_ += c;
        break;
      case '\b':
        out_ += 'b';
        break;
      case '\f':
        out_ += 'f';
        break;
      case '\n':
        out_ += 'n';
        break;
      case '\r':
        out_ += 'r';
        break;
      case '\t':
        out_ += 't';
        break;
      default: {
        char u[8];
        std::snprintf(u, sizeof u, "u%04x", unsigned(b));
        out_ += u;
      }
      }
    }
    out_ += '"';
  }

  std::string& out_;
  bool pretty_;
  std::vector<frame> frames_;
};

// Replays a parsed payload into the writer, as cJSON would re-print what it parsed.
class payload_replay final : public nlohmann::json_sax<nlohmann::json> {
public:
  explicit payload_replay(cjson_writer& w) : w_(w), base_(w.depth()) {}

  bool null() override { return w_.raw("null"), true; }
  bool boolean(bool v) override { return w_.raw(v ? "true" : "false"), true; }
  bool number_integer(number_integer_t v) override { return w_.number(double(v)), true; }
  bool number_unsigned(number_unsigned_t v) override { return w_.number(double(v)), true; }
  bool number_float(number_float_t v, const string_t&) override { return w_.number(v), true; }
  bool string(string_t& v) override { return w_.string(v), true; }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override { return nest() && (w_.begin_object(), true); }
  bool key(string_t& k) override { return w_.key(k), true; }
  bool end_object() override { return w_.end_object(), true; }
  bool start_array(std::size_t) override { return nest() && (w_.begin_array(), true); }
  bool end_array() override { return w_.end_array(), true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

private:
  // cJSON refuses JSON nested deeper than 1000 levels (CJSON_NESTING_LIMIT).
  bool nest() const { return w_.depth() - base_ < 1000; }

  cjson_writer& w_;
  std::size_t base_;
};

// mosquitto_sub's "tst": local time with microseconds, then a 'Z' and the UTC offset besides
// ("2026-12-04T01:50:00.123456Z+0000"), a quirk kept so output compares equal.
std::string tst(std::chrono::system_clock::time_point t) {
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  ::localtime_r(&secs, &tm);
  char date[40], zone[16], micros[16];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  std::strftime(zone, sizeof zone, "%z", &tm);
  std::snprintf(micros, sizeof micros, "%06d", int(ns % 1'000'000'000 / 1000));
  return std::string(date) + "." + micros + "Z" + zone;
}

void property(cjson_writer& w, const codec::properties& p, codec::property_id id,
              double& last_binary_length) {
  using pid = codec::property_id;
  switch (id) {
  case pid::payload_format_indicator:
    return w.key("payload-format-indicator"), w.number(*p.payload_format_indicator);
  case pid::message_expiry_interval:
    return w.key("message-expiry-interval"), w.number(*p.message_expiry_interval);
  case pid::content_type:
    return w.key("content-type"), w.string(*p.content_type);
  case pid::response_topic:
    return w.key("response-topic"), w.string(*p.response_topic);
  case pid::correlation_data:
    last_binary_length = double(p.correlation_data->size());
    return w.key("correlation-data"), w.string(*p.correlation_data);
  case pid::subscription_identifier:
    for (const auto sid : p.subscription_identifiers)
      w.key("subscription-identifier"), w.number(sid);
    return;
  case pid::topic_alias:
    // mosquitto_sub reads the alias with the wrong property id, so its value is whatever its
    // 16-bit scratch variable last held: 0, or the length of correlation data printed before.
    return w.key("topic-alias"), w.number(last_binary_length);
  case pid::user_property:
    w.key("user-properties");
    w.begin_object();
    for (const auto& [k, v] : p.user_properties)
      w.key(k), w.string(v);
    return w.end_object();
  default:
    return; // not a PUBLISH property; mosquitto_sub prints none of the others
  }
}

// The properties in the order they arrived, as mosquitto_sub walks its property list.
void properties(cjson_writer& w, const codec::properties& p) {
  using pid = codec::property_id;
  w.key("properties");
  w.begin_object();
  double scratch = 0;
  if (p.order.count > 0) {
    for (std::size_t i = 0; i < p.order.count; ++i)
      property(w, p, pid{p.order.ids[i]}, scratch);
  } else { // built in code, not decoded: the order of the spec's table
    if (p.payload_format_indicator) property(w, p, pid::payload_format_indicator, scratch);
    if (p.message_expiry_interval) property(w, p, pid::message_expiry_interval, scratch);
    if (p.content_type) property(w, p, pid::content_type, scratch);
    if (p.response_topic) property(w, p, pid::response_topic, scratch);
    if (p.correlation_data) property(w, p, pid::correlation_data, scratch);
    if (!p.subscription_identifiers.empty()) property(w, p, pid::subscription_identifier, scratch);
    if (p.topic_alias) property(w, p, pid::topic_alias, scratch);
    if (!p.user_properties.empty()) property(w, p, pid::user_property, scratch);
  }
  w.end_object();
}

} // namespace

std::optional<std::string> mosquitto_json(const codec::publish& m,
                                          std::chrono::system_clock::time_point received,
                                          bool embed_payload, bool pretty) {
  std::string out;
  out.reserve(160 + m.topic.size() + m.payload.size() * 11 / 10);
  cjson_writer w(out, pretty);
  w.begin_object();
  w.key("tst"), w.string(tst(received));
  w.key("topic"), w.string(m.topic);
  w.key("qos"), w.number(m.qos);
  w.key("retain"), w.number(m.retain ? 1 : 0);
  w.key("payloadlen"), w.number(double(m.payload.size()));
  if (m.qos > 0) w.key("mid"), w.number(m.packet_id);
  if (!m.props.empty()) properties(w, m.props);
  w.key("payload");
  if (m.payload.empty()) { // mosquitto's message holds no payload buffer at all then
    w.raw("null");
  } else if (!embed_payload) {
    w.string(m.payload);
  } else {
    payload_replay replay(w);
    const char* p = m.payload.data();
    if (!nlohmann::json::sax_parse(p, p + m.payload.size(), &replay)) return std::nullopt;
  }
  w.end_object();
  return out;
}

} // namespace mqtk::app
