// SPDX-License-Identifier: MIT
// TLS and WebSocket layers end to end in memory: a client layer and a server layer hand each
// other their bytes until both are open, then carry data; failures name their cause.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "mqtk/transport/tls.hpp"
#include "mqtk/transport/websocket.hpp"

using namespace mqtk;
using namespace mqtk::transport;

namespace {

// A fresh PKI per test process, made by the same script the shell tests use, removed at exit.
struct pki {
  std::string dir;
  pki() {
    set_module_path(MQTK_OPENSSL_MODULE_PATH);
    dir = (std::filesystem::temp_directory_path() / "mqtk-certs-XXXXXX").string();
    REQUIRE(::mkdtemp(dir.data()) != nullptr);
    const auto cmd = std::string("bash " MQTK_MAKE_CERTS " ") + dir;
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  ~pki() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

const std::string& certs() {
  static const pki made;
  return made.dir;
}

std::string file(const char* name) {
  return certs() + "/" + name;
}

struct ends {
  std::unique_ptr<layer> client, server;
  buffer at_client, at_server;
  bool client_ok = true, server_ok = true;

  // Hands bytes across until neither side has anything more to say.
  void pump() {
    for (int i = 0; i < 50; ++i) {
      buffer c2s, s2c;
      client->take_wire(c2s);
      if (!c2s.empty() && server_ok) server_ok = server->from_wire(c2s, at_server);
      server->take_wire(s2c);
      if (!s2c.empty() && client_ok) client_ok = client->from_wire(s2c, at_client);
      if (c2s.empty() && s2c.empty()) return;
    }
  }
};

std::shared_ptr<tls_context> server_ctx(tls_options o = {}) {
  if (o.certfile.empty()) o.certfile = file("server.crt");
  if (o.keyfile.empty()) o.keyfile = file("server.key");
  std::string why;
  auto ctx = tls_context::make(true, o, why);
  INFO(why);
  REQUIRE(ctx);
  return ctx;
}

ends tls_pair(const std::shared_ptr<tls_context>& server, tls_options client_opts,
              const std::string& host = "127.0.0.1") {
  if (client_opts.cafile.empty()) client_opts.cafile = file("ca.crt");
  std::string why;
  auto cctx = tls_context::make(false, client_opts, why);
  INFO(why);
  REQUIRE(cctx);
  ends e;
  e.client = cctx->connection(host, why);
  e.server = server->connection("", why);
  REQUIRE(e.client);
  REQUIRE(e.server);
  e.pump();
  return e;
}

void exchange(ends& e) {
  REQUIRE(e.client->to_wire(as_bytes("CONNECT")));
  REQUIRE(e.server->to_wire(as_bytes("CONNACK")));
  e.pump();
  CHECK(std::string(e.at_server.begin(), e.at_server.end()) == "CONNECT");
  CHECK(std::string(e.at_client.begin(), e.at_client.end()) == "CONNACK");
}

} // namespace

TEST_CASE("Sec-WebSocket-Accept of RFC 6455's example key", "[crypto]") {
  (void)certs();
  std::string why;
  CHECK(sha1_base64("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11", why) ==
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("TLS: handshake, data both ways, clean close", "[tls]") {
  auto e = tls_pair(server_ctx(), {});
  REQUIRE(e.client->open());
  REQUIRE(e.server->open());
  CHECK(e.client->describe().starts_with("TLSv1."));
  exchange(e);
  e.client->end();
  e.pump();
  CHECK(e.server->ended());
}

TEST_CASE("mutual TLS: the client certificate's CN is the identity", "[tls][mutual]") {
  tls_options so;
  so.cafile = file("ca.crt");
  so.require_peer_cert = true;
  const auto server = server_ctx(so);
  tls_options co;
  co.certfile = file("client.crt");
  co.keyfile = file("client.key");
  auto e = tls_pair(server, co);
  REQUIRE(e.server->open());
  CHECK(e.server->peer_name() == "mqtk-client");
  exchange(e);

  auto anonymous = tls_pair(server, {});
  // TLS 1.3: the client finishes first and learns of the refusal from the server's alert.
  CHECK_FALSE(anonymous.server_ok);
  CHECK(anonymous.server->error().find("certificate") != std::string::npos);
  CHECK_FALSE(anonymous.client_ok);
}

TEST_CASE("a wrong CA and a hostname mismatch say which", "[tls][verify]") {
  tls_options wrong;
  wrong.cafile = file("wrong-ca.crt");
  auto e = tls_pair(server_ctx(), wrong);
  CHECK_FALSE(e.client_ok);
  CHECK(e.client->error() ==
        "TLS handshake failed: certificate verify failed: unable to get local issuer certificate "
        "(no trusted CA signed the peer's certificate: check --cafile)");

  tls_options other;
  other.certfile = file("other.crt");
  other.keyfile = file("other.key");
  const auto elsewhere = server_ctx(other);
  auto by_ip = tls_pair(elsewhere, {}, "127.0.0.1");
  CHECK(by_ip.client->error() ==
        "TLS handshake failed: certificate verify failed: IP address mismatch (the certificate is "
        "for another host: check -h, or --insecure)");
  auto by_name = tls_pair(elsewhere, {}, "localhost");
  CHECK(by_name.client->error() ==
        "TLS handshake failed: certificate verify failed: hostname mismatch (the certificate is "
        "for another host: check -h, or --insecure)");
  // --insecure skips the name check only: the chain is still verified.
  auto insecure = tls_pair(elsewhere, {}, "");
  CHECK(insecure.client->open());
  auto insecure_wrong_ca = tls_pair(elsewhere, wrong, "");
  CHECK_FALSE(insecure_wrong_ca.client_ok);
}

TEST_CASE("bad files and settings are refused with their names", "[tls][config]") {
  (void)certs();
  std::string why;
  tls_options o;
  o.cafile = "/nonexistent/ca.crt";
  CHECK_FALSE(tls_context::make(false, o, why));
  CHECK(why.find("/nonexistent/ca.crt") != std::string::npos);
  tls_options v;
  v.min_version = "tlsv9";
  CHECK_FALSE(tls_context::make(false, v, why));
  CHECK(why.find("tlsv9") != std::string::npos);
  tls_options mismatch;
  mismatch.certfile = file("server.crt");
  mismatch.keyfile = file("client.key");
  CHECK_FALSE(tls_context::make(true, mismatch, why));
  CHECK(why.find("client.key") != std::string::npos);
  CHECK(why.find("mismatch") != std::string::npos);
}

TEST_CASE("garbage instead of a ClientHello fails the server side", "[tls][hostile]") {
  std::string why;
  auto server = server_ctx()->connection("", why);
  buffer up;
  CHECK_FALSE(server->from_wire(as_bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), up));
  CHECK_FALSE(server->error().empty());
  CHECK(up.empty());
}

TEST_CASE("WebSocket: upgrade, data both ways, close handshake", "[ws]") {
  (void)certs();
  std::string why;
  ends e;
  e.client = websocket_client({"127.0.0.1:8080", "/mqtt", {"X-Token: 1"}}, why);
  e.server = websocket_server(1 << 20, why);
  REQUIRE(e.client);
  REQUIRE(e.server);
  e.pump();
  REQUIRE(e.client->open());
  REQUIRE(e.server->open());
  exchange(e);
  e.client->end();
  e.pump();
  CHECK(e.server->ended());
  CHECK(e.client->ended()); // the server echoed the close
}

TEST_CASE("WebSocket over TLS (wss)", "[ws][tls]") {
  std::string why;
  tls_options co;
  co.cafile = file("ca.crt");
  auto cctx = tls_context::make(false, co, why);
  auto sctx = server_ctx();
  ends e;
  e.client = stack(cctx->connection("localhost", why),
                   websocket_client({"localhost:8081", "/mqtt", {}}, why));
  e.server = stack(sctx->connection("", why), websocket_server(1 << 20, why));
  e.pump();
  REQUIRE(e.client->open());
  REQUIRE(e.server->open());
  CHECK(e.server->describe() == "WebSocket, subprotocol mqtt over " +
                                    e.server->describe().substr(e.server->describe().find("TLS")));
  exchange(e);
}

TEST_CASE("WebSocket server refusals go out as HTTP before closing", "[ws][hostile]") {
  (void)certs();
  std::string why;
  auto server = websocket_server(1 << 20, why);
  buffer up;
  CHECK_FALSE(server->from_wire(as_bytes("GET /mqtt HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                                         "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"),
                                up));
  buffer out;
  server->take_wire(out);
  CHECK(std::string(out.begin(), out.end()).starts_with("HTTP/1.1 400 Bad Request"));
  CHECK(server->error().find("mqtt") != std::string::npos);

  auto flood = websocket_server(1 << 20, why);
  CHECK_FALSE(flood->from_wire(buffer(9000, 'A'), up));
  out.clear();
  flood->take_wire(out);
  CHECK(std::string(out.begin(), out.end()).starts_with("HTTP/1.1 431"));
}
