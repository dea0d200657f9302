// SPDX-License-Identifier: MIT
// The TLS layer: an OpenSSL engine over memory buffers (through the module), so TLS connections
// use the same read-when-readable socket code as plain ones.
#include <array>
#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "module_loader.hpp"
#include "mqtk/transport/tls.hpp"

namespace mqtk::transport {
namespace {

class tls_layer final : public layer {
public:
  tls_layer(const mqtk_openssl_api* api, void* conn, std::shared_ptr<void> keep)
      : api_(api), conn_(conn), keep_(std::move(keep)) {
    // A client speaks first: its ClientHello is due at once.
    advance();
  }
  ~tls_layer() override { api_->conn_free(conn_); }

  bool from_wire(byte_view in, buffer& up) override {
    if (!error_.empty()) return false;
    if (api_->conn_put_wire(conn_, in.data(), in.size()) != MQTK_TLS_OK)
      return fail("out of memory");
    if (!open_ && !advance()) return false;
    if (!open_) return true;
    for (;;) {
      const auto at = up.size();
      up.resize(at + 16 * 1024);
      std::size_t got = 0;
      int closed = 0;
      const int r = api_->conn_read(conn_, up.data() + at, 16 * 1024, &got, &closed);
      up.resize(at + got);
      if (r != MQTK_TLS_OK) return fail(api_->conn_error(conn_));
      if (closed) ended_ = true;
      if (got == 0) return true;
    }
  }

  bool to_wire(byte_view data) override {
    if (!error_.empty()) return false;
    if (!open_) {
      pending_.insert(pending_.end(), data.begin(), data.end());
      return true;
    }
    if (api_->conn_write(conn_, data.data(), data.size()) != MQTK_TLS_OK)
      return fail(api_->conn_error(conn_));
    return true;
  }

  void take_wire(buffer& out) override {
    while (const auto pending = api_->conn_wire_pending(conn_)) {
      const auto at = out.size();
      out.resize(at + pending);
      const auto taken = api_->conn_take_wire(conn_, out.data() + at, pending);
      out.resize(at + taken);
      if (taken == 0) return; // cannot happen with a memory BIO; never spin on it
    }
  }
  bool has_wire() const override { return api_->conn_wire_pending(conn_) != 0; }
  bool open() const override { return open_; }
  bool ended() const override { return ended_; }
  void end() override { api_->conn_shutdown(conn_); }
  const std::string& error() const override { return error_; }
  std::string peer_name() const override {
    std::array<char, 256> cn{};
    return api_->conn_peer_cn(conn_, cn.data(), cn.size()) ? std::string(cn.data()) : "";
  }
  std::string describe() const override { return api_->conn_version(conn_); }

private:
  bool fail(const std::string& why) {
    error_ = (open_ ? "TLS: " : "TLS handshake failed: ") + why;
    return false;
  }
  // Moves the handshake on; once it completes, what the layer above queued goes out.
  bool advance() {
    const int r = api_->conn_handshake(conn_);
    if (r == MQTK_TLS_FAILED) return fail(api_->conn_error(conn_));
    if (r == 1) {
      open_ = true;
      buffer held;
      held.swap(pending_);
      return to_wire(held);
    }
    return true;
  }

  const mqtk_openssl_api* api_;
  void* conn_;
  std::shared_ptr<void> keep_; // the context outlives its connections
  buffer pending_;
  std::string error_;
  bool open_ = false;
  bool ended_ = false;
};

} // namespace

std::shared_ptr<tls_context> tls_context::make(bool server, const tls_options& o,
                                               std::string& why) {
  // OpenSSL says "system lib" for a missing file; say which file and why instead.
  for (const auto* f : {&o.cafile, &o.certfile, &o.keyfile})
    if (!f->empty() && ::access(f->c_str(), R_OK) != 0)
      return why = "cannot read " + *f + ": " + std::strerror(errno), nullptr;
  if (!o.capath.empty() && ::access(o.capath.c_str(), R_OK | X_OK) != 0)
    return why = "cannot read " + o.capath + ": " + std::strerror(errno), nullptr;
  const auto* api = detail::openssl(why);
  if (!api) return nullptr;
  const mqtk_tls_config c{server ? 1 : 0,        o.cafile.c_str(),
                          o.capath.c_str(),      o.certfile.c_str(),
                          o.keyfile.c_str(),     o.ciphers.c_str(),
                          o.min_version.c_str(), o.alpn.c_str(),
                          o.verify_peer ? 1 : 0, o.require_peer_cert ? 1 : 0,
                          o.use_os_certs ? 1 : 0};
  char err[512] = "";
  void* ctx = api->ctx_new(&c, err, sizeof err);
  if (!ctx) {
    why = err;
    return nullptr;
  }
  return std::shared_ptr<tls_context>(new tls_context(ctx));
}

tls_context::~tls_context() {
  std::string ignored;
  detail::openssl(ignored)->ctx_free(ctx_);
}

std::unique_ptr<layer> tls_context::connection(const std::string& verify_host, std::string& why) {
  const auto* api = detail::openssl(why);
  char err[512] = "";
  void* conn =
      api->conn_new(ctx_, verify_host.empty() ? nullptr : verify_host.c_str(), err, sizeof err);
  if (!conn) {
    why = err;
    return nullptr;
  }
  // The layer keeps its context alive: OpenSSL's connection refers to it.
  return std::make_unique<tls_layer>(api, conn, shared_from_this());
}

} // namespace mqtk::transport
