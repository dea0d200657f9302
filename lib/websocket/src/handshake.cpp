// SPDX-License-Identifier: MIT
// A deliberately small HTTP/1.1 head parser: request or status line, then "Name: value" lines.
// Names compare without case (RFC 9110 §5.1); so do the tokens of Upgrade and Connection.
#include "mqtk/websocket/handshake.hpp"

#include <algorithm>
#include <cctype>

namespace mqtk::websocket {
namespace {

constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool iequal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

struct head {
  std::string_view first_line;
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  bool ok = false;

  // Every value of `name`, comma-separated lists split, as trimmed tokens.
  std::vector<std::string_view> tokens(std::string_view name) const {
    std::vector<std::string_view> r;
    for (const auto& [n, v] : fields) {
      if (!iequal(n, name)) continue;
      std::string_view rest = v;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto t = trim(rest.substr(0, comma));
        if (!t.empty()) r.push_back(t);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
    return r;
  }
  bool has_token(std::string_view name, std::string_view token) const {
    const auto t = tokens(name);
    return std::any_of(t.begin(), t.end(), [&](std::string_view x) { return iequal(x, token); });
  }
  std::string_view value(std::string_view name) const {
    for (const auto& [n, v] : fields)
      if (iequal(n, name)) return v;
    return {};
  }
};

head split(std::string_view text) {
  head h;
  auto line_end = text.find("\r\n");
  if (line_end == std::string_view::npos) return h;
  h.first_line = text.substr(0, line_end);
  text.remove_prefix(line_end + 2);
  while (!text.empty() && !text.starts_with("\r\n")) {
    line_end = text.find("\r\n");
    if (line_end == std::string_view::npos) return h;
    const auto line = text.substr(0, line_end);
    text.remove_prefix(line_end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line.front() == ' ') return h;
    h.fields.emplace_back(line.substr(0, colon), trim(line.substr(colon + 1)));
  }
  h.ok = true;
  return h;
}

bool base64_key(std::string_view k) noexcept {
  // 16 random bytes in base64: 22 characters of the alphabet and "==" (§4.1, item 7).
  if (k.size() != 24 || !k.ends_with("==")) return false;
  return std::all_of(k.begin(), k.end() - 2, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
  });
}

upgrade_request refuse(int status, std::string why) {
  upgrade_request r;
  r.status = status;
  r.why = std::move(why);
  return r;
}

std::string reason_phrase(int status) {
  switch (status) {
  case 101:
    return "Switching Protocols";
  case 400:
    return "Bad Request";
  case 405:
    return "Method Not Allowed";
  case 426:
    return "Upgrade Required";
  case 431:
    return "Request Header Fields Too Large";
  default:
    return "Error";
  }
}

} // namespace

std::size_t head_length(std::string_view bytes) noexcept {
  const auto end = bytes.find("\r\n\r\n");
  return end == std::string_view::npos ? 0 : end + 4;
}

std::string accept_source(std::string_view key) {
  std::string s(key);
  s += guid;
  return s;
}

upgrade_request parse_request(std::string_view text) {
  const auto h = split(text);
  if (!h.ok) return refuse(400, "malformed HTTP request");
  const auto sp1 = h.first_line.find(' ');
  const auto sp2 = h.first_line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2) return refuse(400, "malformed request line");
  const auto method = h.first_line.substr(0, sp1);
  const auto version = h.first_line.substr(sp2 + 1);
  if (version != "HTTP/1.1") return refuse(400, "HTTP/1.1 required");
  if (method != "GET") return refuse(405, "only GET upgrades to a WebSocket");
  if (!h.has_token("Upgrade", "websocket") || !h.has_token("Connection", "upgrade"))
    return refuse(426, "this is an MQTT over WebSocket endpoint: upgrade required");
  if (trim(h.value("Sec-WebSocket-Version")) != "13")
    return refuse(426, "WebSocket version 13 required");
  upgrade_request r;
  r.path = std::string(h.first_line.substr(sp1 + 1, sp2 - sp1 - 1));
  r.key = std::string(h.value("Sec-WebSocket-Key"));
  if (!base64_key(r.key)) return refuse(400, "missing or malformed Sec-WebSocket-Key");
  const auto offered = h.tokens("Sec-WebSocket-Protocol");
  for (const auto* want : {"mqtt", "mqttv3.1"})
    if (std::find(offered.begin(), offered.end(), want) != offered.end()) {
      r.protocol = want;
      break;
    }
  if (r.protocol.empty()) return refuse(400, "the subprotocol 'mqtt' was not offered");
  return r;
}

std::string switching_response(std::string_view accept, std::string_view protocol) {
  std::string r = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Accept: ";
  r += accept;
  r += "\r\nSec-WebSocket-Protocol: ";
  r += protocol;
  r += "\r\n\r\n";
  return r;
}

std::string error_response(int status, std::string_view why) {
  std::string body(why);
  body += '\n';
  std::string r = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  if (status == 426) r += "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n";
  r += "Connection: close\r\nContent-Type: text/plain\r\nContent-Length: " +
       std::to_string(body.size()) + "\r\n\r\n" + body;
  return r;
}

std::string client_request(std::string_view host_header, std::string_view path,
                           std::string_view key, const std::vector<std::string>& extra_headers) {
  std::string r = "GET ";
  r += path.empty() || path.front() != '/' ? "/" : "";
  r += path;
  r += " HTTP/1.1\r\nHost: ";
  r += host_header;
  r += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ";
  r += key;
  r += "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n";
  for (const auto& h : extra_headers)
    r += h + "\r\n";
  r += "\r\n";
  return r;
}

std::string check_response(std::string_view text, std::string_view expected_accept) {
  const auto h = split(text);
  if (!h.ok) return "malformed HTTP response";
  if (!h.first_line.starts_with("HTTP/1.1 101"))
    return "the server answered '" + std::string(h.first_line) + "'";
  if (!h.has_token("Upgrade", "websocket") || !h.has_token("Connection", "upgrade"))
    return "the server's 101 lacks Upgrade: websocket";
  if (h.value("Sec-WebSocket-Accept") != expected_accept)
    return "wrong Sec-WebSocket-Accept from the server";
  const auto p = h.value("Sec-WebSocket-Protocol");
  if (p != "mqtt" && p != "mqttv3.1") return "the server did not select the subprotocol 'mqtt'";
  return {};
}

} // namespace mqtk::websocket
