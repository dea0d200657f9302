// SPDX-License-Identifier: MIT
// The opening handshake, both ends: what is accepted, what is refused and with which status.
#include <catch2/catch.hpp>

#include "mqtk/websocket/handshake.hpp"

using namespace mqtk::websocket;

namespace {

std::string request(std::string_view extra, std::string_view first = "GET /mqtt HTTP/1.1") {
  std::string r(first);
  r += "\r\nHost: 127.0.0.1:8080\r\n";
  r += extra;
  r += "\r\n";
  return r;
}

constexpr std::string_view good = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                  "Sec-WebSocket-Version: 13\r\n";

} // namespace

TEST_CASE("head_length finds the blank line", "[handshake]") {
  CHECK(head_length("GET / HTTP/1.1\r\nHost: x\r\n") == 0);
  CHECK(head_length("GET / HTTP/1.1\r\nHost: x\r\n\r\n\x82") == 27);
}

TEST_CASE("accept_source appends RFC 6455's GUID", "[handshake]") {
  CHECK(accept_source("abc") == "abc258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
}

TEST_CASE("a browser-like request is accepted with subprotocol mqtt", "[handshake]") {
  const auto r = parse_request(request(std::string(good) + "Sec-WebSocket-Protocol: mqtt\r\n"
                                                           "Sec-WebSocket-Extensions: "
                                                           "permessage-deflate\r\n"));
  CHECK(r.status == 101);
  CHECK(r.path == "/mqtt");
  CHECK(r.key == "dGhlIHNhbXBsZSBub25jZQ==");
  CHECK(r.protocol == "mqtt");
}

TEST_CASE("names and tokens compare without case, lists are split", "[handshake]") {
  const auto r = parse_request(request("upgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\n"
                                       "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                       "sec-websocket-version: 13\r\n"
                                       "sec-websocket-protocol: foo, mqttv3.1\r\n"));
  CHECK(r.status == 101);
  CHECK(r.protocol == "mqttv3.1");
}

TEST_CASE("bad requests are refused with the right status", "[handshake][hostile]") {
  const std::string mqtt = "Sec-WebSocket-Protocol: mqtt\r\n";
  struct bad {
    const char* what;
    std::string text;
    int status;
  };
  const bad cases[] = {
      {"no mqtt subprotocol [MQTT-6.0.0-3]", request(good), 400},
      {"another subprotocol only", request(std::string(good) + "Sec-WebSocket-Protocol: chat\r\n"),
       400},
      {"version 8",
       request("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
               "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n" +
               mqtt),
       426},
      {"plain HTTP GET", request("Accept: text/html\r\n"), 426},
      {"POST", request(std::string(good) + mqtt, "POST /mqtt HTTP/1.1"), 405},
      {"HTTP/1.0", request(std::string(good) + mqtt, "GET /mqtt HTTP/1.0"), 400},
      {"key of 15 bytes",
       request("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
               "dGhlIHNhbXBsZSBub25j\r\nSec-WebSocket-Version: 13\r\n" +
               mqtt),
       400},
      {"a header line without a colon", request("garbage\r\n"), 400},
      {"no request line", "\r\n\r\n", 400},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    const auto r = parse_request(c.text);
    CHECK(r.status == c.status);
    CHECK_FALSE(r.why.empty());
  }
}

TEST_CASE("responses: 101 names the subprotocol, 426 names version 13", "[handshake]") {
  const auto ok = switching_response("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "mqtt");
  CHECK(ok.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
  CHECK(ok.find("Sec-WebSocket-Protocol: mqtt\r\n") != std::string::npos);
  CHECK(ok.ends_with("\r\n\r\n"));
  const auto no = error_response(426, "upgrade required");
  CHECK(no.starts_with("HTTP/1.1 426 Upgrade Required\r\n"));
  CHECK(no.find("Sec-WebSocket-Version: 13\r\n") != std::string::npos);
  CHECK(no.ends_with("\r\n\r\nupgrade required\n"));
}

TEST_CASE("the client's request and its check of the answer", "[handshake][client]") {
  const auto req = client_request("broker:443", "/mqtt",
                                  "dGhlIHNhbXBsZSBub25jZQ==", {"Authorization: Bearer x"});
  CHECK(req.starts_with("GET /mqtt HTTP/1.1\r\nHost: broker:443\r\n"));
  CHECK(req.find("Sec-WebSocket-Protocol: mqtt\r\n") != std::string::npos);
  CHECK(req.find("Authorization: Bearer x\r\n") != std::string::npos);
  CHECK(parse_request(req).status == 101); // our own server accepts our own client
  CHECK(client_request("h", "ws", "k", {}).starts_with("GET /ws HTTP/1.1"));

  const std::string accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
  CHECK(check_response(switching_response(accept, "mqtt"), accept).empty());
  CHECK(check_response(switching_response("wrong", "mqtt"), accept).find("Accept") !=
        std::string::npos);
  CHECK(check_response(switching_response(accept, "chat"), accept).find("subprotocol") !=
        std::string::npos);
  CHECK(check_response("HTTP/1.1 404 Not Found\r\n\r\n", accept) ==
        "the server answered 'HTTP/1.1 404 Not Found'");
}
