// SPDX-License-Identifier: MIT
// The connection log: one line when a client connects, one when it is refused, one when it goes,
// each with the reason, so that a user reading the log can tell a kick from a crash.
#include <charconv>

#include "state.hpp"

namespace mqtk::broker::detail {

namespace {
std::string hex(reason_code rc) {
  char digits[3] = {};
  const auto v = static_cast<unsigned>(rc);
  std::to_chars(digits, digits + 2, v, 16);
  return std::string(v < 16 ? "0x0" : "0x") + digits;
}

std::string seconds(duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}
} // namespace

void state::say_about(const connection& c, log_level level, std::string text, std::size_t peer_at) {
  log.push_back({level, std::move(text), c.id, peer_at});
}

void state::note_close(const connection& c, std::string why) {
  if (!cfg.log_connections) return;
  close_reasons.try_emplace(c.id, std::move(why)); // the first reason is the cause
}

void state::log_connected(const connection& c, const codec::connect& p, bool present) {
  if (!cfg.log_connections) return;
  std::string line = "client " + p.client_id + " connected";
  const auto at = line.size();
  line += " (MQTT " + std::string(codec::to_string(p.version));
  if (p.bridge) line += ", bridge";
  line += p.clean_start ? ", clean start" : ", persistent";
  line += c.keep_alive.count() == 0 ? ", no keep-alive" : ", keep-alive " + seconds(c.keep_alive);
  if (p.username) line += ", user " + *p.username;
  if (present) line += ", session resumed";
  say_about(c, log_level::notice, line + ")", at);
}

// 3.1.1 clients are sent the nearest of their six codes (refuse()); the log names the reason.
void state::log_refused(const connection& c, reason_code rc, std::string_view why) {
  if (!cfg.log_connections) return;
  std::string line =
      connecting_id.empty() ? "a connection" : "client " + std::string(connecting_id);
  line += " refused";
  const auto at = line.size();
  line += ": " + std::string(name(rc)) + " (" + hex(rc) + ")";
  if (!why.empty() && why != name(rc)) line += ": " + std::string(why);
  close_reasons.try_emplace(c.id); // refused, not connected: no disconnect line follows
  say_about(c, log_level::notice, std::move(line), at);
}

void state::log_unaccepted(const connection& c, const std::string& why) {
  if (!cfg.log_connections) return;
  std::string line = "a connection refused";
  const auto at = line.size();
  say_about(c, log_level::notice, line + ": " + why, at);
}

void state::log_closed(const connection& c, std::string_view transport_why) {
  const auto noted = close_reasons.find(c.id);
  std::string why;
  if (noted != close_reasons.end()) {
    why = std::move(noted->second);
    close_reasons.erase(noted);
    if (why.empty()) return; // a refused CONNECT, logged as such
  }
  if (!cfg.log_connections || c.sess == nullptr) return;
  if (why.empty())
    why = transport_why.empty() ? "the connection ended" : std::string(transport_why);
  std::string line = "client " + c.sess->client_id + " disconnected: " + why;
  if (c.will && c.send_will)
    line += c.will->props.will_delay_interval.value_or(0) > 0 && c.sess->expiry > 0
                ? "; will delayed"
                : "; will published";
  say(log_level::notice, std::move(line));
}

} // namespace mqtk::broker::detail
