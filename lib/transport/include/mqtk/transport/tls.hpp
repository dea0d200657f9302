// SPDX-License-Identifier: MIT
// TLS as a transport layer. OpenSSL lives in a module loaded on first use (libmqtk-openssl.so),
// so tools that never use TLS or WebSocket never load it.
#pragma once

#include <memory>
#include <string>

#include "mqtk/transport/layer.hpp"

namespace mqtk::transport {

struct tls_options {
  std::string cafile;
  std::string capath;
  std::string certfile;
  std::string keyfile;
  std::string ciphers;
  std::string min_version;        ///< tlsv1.1, tlsv1.2 (default) or tlsv1.3
  std::string alpn;               ///< comma-separated (client)
  bool verify_peer = true;        ///< client: check the chain; server: ask for a client certificate
  bool require_peer_cert = false; ///< server: refuse clients without one (mutual TLS)
  bool use_os_certs = false;      ///< client: trust the system store besides cafile/capath
};

/// Certificates and settings shared by every connection of one listener or client.
class tls_context : public std::enable_shared_from_this<tls_context> {
public:
  /// Nullptr with a message in `why` when a file cannot be used or the module cannot be loaded.
  static std::shared_ptr<tls_context> make(bool server, const tls_options& o, std::string& why);
  ~tls_context();
  tls_context(const tls_context&) = delete;
  tls_context& operator=(const tls_context&) = delete;

  /// A connection's layer. `verify_host` (client): the name or address the server certificate
  /// must carry, and SNI; empty to skip the name check (--insecure).
  std::unique_ptr<layer> connection(const std::string& verify_host, std::string& why);

private:
  explicit tls_context(void* ctx) : ctx_(ctx) {}
  void* ctx_;
};

/// Where the module is looked for first (tests point at the build tree); by default beside the
/// executable, then in ../lib/mqtk/ from it.
void set_module_path(std::string path);

/// SHA-1 then base64, as Sec-WebSocket-Accept wants; random bytes for keys and masks. Both load
/// the module; false or empty when it cannot be loaded (`why` says so).
std::string sha1_base64(std::string_view data, std::string& why);
bool random_bytes(std::uint8_t* out, std::size_t len);
std::string base64(byte_view data);

} // namespace mqtk::transport
