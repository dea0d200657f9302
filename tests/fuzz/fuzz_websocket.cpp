// SPDX-License-Identifier: MIT
// libFuzzer target for the WebSocket layers. First byte: which end, a chunk size, and whether a
// valid handshake comes first (so the fuzzer reaches the frame parser, not only the HTTP one).
// The server end is fed client bytes; the client end, after a real server's answer to its
// upgrade request, is fed server bytes. Oracle: no crash, leak, UB or hang, and a layer that
// failed stays failed and open() never goes back.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mqtk/transport/tls.hpp"
#include "mqtk/transport/websocket.hpp"

using namespace mqtk;
using namespace mqtk::transport;

namespace {

[[noreturn]] void fail() {
  std::abort();
}

constexpr std::string_view upgrade =
    "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: "
    "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Protocol: mqtt\r\n\r\n";

// Feeds `in` to `l` in chunks; drains what it answers.
void feed(layer& l, byte_view in, std::size_t chunk) {
  buffer up, wire;
  bool ok = true, was_open = l.open();
  for (std::size_t pos = 0; pos < in.size(); pos += chunk) {
    const bool r = l.from_wire(in.subspan(pos, std::min(chunk, in.size() - pos)), up);
    if (!ok && r) fail(); // a broken layer never recovers
    ok = ok && r;
    if (was_open && !l.open()) fail();
    was_open = l.open();
    if (l.open() && ok) l.to_wire(byte_view(up.data(), std::min<std::size_t>(up.size(), 64)));
    l.take_wire(wire);
    wire.clear();
    up.clear();
    if (!ok) return;
  }
  l.end();
  l.take_wire(wire);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  set_module_path(MQTK_OPENSSL_MODULE_PATH);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool client_end = data[0] & 1, handshake = data[0] & 2;
  const std::size_t chunk = 1 + (data[0] >> 2);
  const byte_view in(data + 1, size - 1);
  std::string why;
  if (!client_end) {
    auto server = websocket_server(1 << 16, why);
    if (!server) fail(); // the module must load
    if (handshake) {
      buffer up;
      if (!server->from_wire(
              byte_view(reinterpret_cast<const std::uint8_t*>(upgrade.data()), upgrade.size()),
              up) ||
          !server->open())
        fail();
    }
    feed(*server, in, chunk);
    return 0;
  }
  auto client = websocket_client({"127.0.0.1:1883", "/mqtt", {}}, why);
  if (!client) fail();
  if (handshake) { // a real server answers the client's own request (its key is random)
    auto server = websocket_server(1 << 16, why);
    buffer request, up, answer;
    client->take_wire(request);
    if (!server->from_wire(request, up)) fail();
    server->take_wire(answer);
    if (!client->from_wire(answer, up) || !client->open()) fail();
  }
  feed(*client, in, chunk);
  return 0;
}
