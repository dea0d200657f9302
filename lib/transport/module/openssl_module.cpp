// SPDX-License-Identifier: MIT
// libmqtk-openssl.so: TLS over memory buffers (the caller moves the bytes), the hashes behind
// WebSocket and password checks, base64 and random bytes, behind the C interface of openssl_api.h.
// Written without the C++ library (fixed buffers, calloc) so that the module needs nothing but libc
// and OpenSSL.
#include "openssl_api.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

struct conn {
  SSL* ssl;
  BIO* in;  // what the peer sent, for OpenSSL to read
  BIO* out; // what OpenSSL wrote, for the caller to send
  char error[512];
};

bool given(const char* s) {
  return s != nullptr && *s != '\0';
}

// The most recent OpenSSL error queue entry, after `what`, and the queue cleared.
void describe(char* err, size_t len, const char* what, const char* detail = nullptr) {
  char reason[256] = "unknown error";
  if (const auto e = ERR_peek_last_error(); e != 0) {
    const char* r = ERR_reason_error_string(e);
    std::snprintf(reason, sizeof reason, "%s", r ? r : "unknown error");
  }
  ERR_clear_error();
  if (detail)
    std::snprintf(err, len, "%s %s: %s", what, detail, reason);
  else
    std::snprintf(err, len, "%s: %s", what, reason);
}

int version_of(const char* name) {
  if (!given(name)) return TLS1_2_VERSION;
  if (std::strcmp(name, "tlsv1.1") == 0) return TLS1_1_VERSION;
  if (std::strcmp(name, "tlsv1.2") == 0) return TLS1_2_VERSION;
  if (std::strcmp(name, "tlsv1.3") == 0) return TLS1_3_VERSION;
  return 0;
}

// "mqtt,x-amzn-mqtt-ca" in ALPN's wire form: each name after its length byte.
bool set_alpn(SSL_CTX* ctx, const char* list) {
  unsigned char wire[256];
  size_t n = 0;
  const char* p = list;
  while (*p) {
    const char* comma = std::strchr(p, ',');
    const size_t len = comma ? static_cast<size_t>(comma - p) : std::strlen(p);
    if (len == 0 || len > 255 || n + 1 + len > sizeof wire) return false;
    wire[n++] = static_cast<unsigned char>(len);
    std::memcpy(wire + n, p, len);
    n += len;
    p += len + (comma ? 1 : 0);
  }
  return n > 0 && SSL_CTX_set_alpn_protos(ctx, wire, static_cast<unsigned>(n)) == 0;
}

bool load_identity(SSL_CTX* ctx, const mqtk_tls_config* c, char* err, size_t len) {
  if (given(c->certfile) != given(c->keyfile)) {
    std::snprintf(err, len, "a certificate needs its key and a key its certificate");
    return false;
  }
  if (!given(c->certfile)) return true;
  if (SSL_CTX_use_certificate_chain_file(ctx, c->certfile) != 1) {
    describe(err, len, "cannot use the certificate", c->certfile);
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, c->keyfile, SSL_FILETYPE_PEM) != 1) {
    describe(err, len, "cannot use the key", c->keyfile);
    return false;
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    describe(err, len, "the key does not match the certificate", c->certfile);
    return false;
  }
  return true;
}

bool load_trust(SSL_CTX* ctx, const mqtk_tls_config* c, char* err, size_t len) {
  if ((given(c->cafile) || given(c->capath)) &&
      SSL_CTX_load_verify_locations(ctx, given(c->cafile) ? c->cafile : nullptr,
                                    given(c->capath) ? c->capath : nullptr) != 1) {
    describe(err, len, "cannot load CA certificates from",
             given(c->cafile) ? c->cafile : c->capath);
    return false;
  }
  const bool own_ca = given(c->cafile) || given(c->capath);
  if (!c->server && (c->use_os_certs || !own_ca) && SSL_CTX_set_default_verify_paths(ctx) != 1) {
    describe(err, len, "cannot load the system's CA certificates");
    return false;
  }
  if (c->server && given(c->cafile))
    SSL_CTX_set_client_CA_list(ctx, SSL_load_client_CA_file(c->cafile));
  return true;
}

bool apply_ciphers(SSL_CTX* ctx, const char* list) {
  // One option for both: TLS 1.2 cipher lists and TLS 1.3 suites have separate setters.
  const bool old = SSL_CTX_set_cipher_list(ctx, list) == 1;
  const bool tls13 = SSL_CTX_set_ciphersuites(ctx, list) == 1;
  ERR_clear_error();
  return old || tls13;
}

void* ctx_new(const mqtk_tls_config* c, char* err, size_t len) {
  SSL_CTX* ctx = SSL_CTX_new(c->server ? TLS_server_method() : TLS_client_method());
  if (!ctx) {
    describe(err, len, "cannot create a TLS context");
    return nullptr;
  }
  const int min = version_of(c->min_version);
  bool ok = true;
  if (min == 0) {
    std::snprintf(err, len, "unknown TLS version '%s' (tlsv1.1, tlsv1.2 or tlsv1.3)",
                  c->min_version);
    ok = false;
  } else if (SSL_CTX_set_min_proto_version(ctx, min) != 1) {
    describe(err, len, "cannot set the TLS version");
    ok = false;
  }
  if (ok && given(c->ciphers) && !apply_ciphers(ctx, c->ciphers)) {
    std::snprintf(err, len, "no cipher matches '%s'", c->ciphers);
    ok = false;
  }
  ok = ok && load_identity(ctx, c, err, len) && load_trust(ctx, c, err, len);
  if (ok && given(c->alpn) && !set_alpn(ctx, c->alpn)) {
    std::snprintf(err, len, "malformed ALPN list '%s'", c->alpn);
    ok = false;
  }
  if (!ok) {
    SSL_CTX_free(ctx);
    return nullptr;
  }
  int mode = SSL_VERIFY_NONE;
  if (c->verify_peer) mode = SSL_VERIFY_PEER;
  if (c->server && c->require_peer_cert) mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(ctx, mode, nullptr);
  // Idle connections give their read and write buffers back: a broker holds thousands.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  return ctx;
}

void ctx_free(void* ctx) {
  SSL_CTX_free(static_cast<SSL_CTX*>(ctx));
}

void conn_free(void* p) {
  auto* c = static_cast<conn*>(p);
  if (!c) return;
  SSL_free(c->ssl); // frees both BIOs
  std::free(c);
}

// SSL_set_tlsext_host_name without its macro's C-style cast.
bool set_sni(SSL* ssl, const char* host) {
  return SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                  const_cast<char*>(host)) == 1;
}

bool check_host(conn* c, const char* host) {
  in6_addr scratch;
  const bool ip =
      inet_pton(AF_INET, host, &scratch) == 1 || inet_pton(AF_INET6, host, &scratch) == 1;
  if (ip) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host) == 1;
  // SNI carries names only (RFC 6066 §3).
  return set_sni(c->ssl, host) && SSL_set1_host(c->ssl, host) == 1;
}

void* conn_new(void* ctx, const char* host, char* err, size_t len) {
  auto* c = static_cast<conn*>(std::calloc(1, sizeof(conn)));
  if (!c) {
    std::snprintf(err, len, "out of memory");
    return nullptr;
  }
  auto* sctx = static_cast<SSL_CTX*>(ctx);
  c->ssl = SSL_new(sctx);
  c->in = BIO_new(BIO_s_mem());
  c->out = BIO_new(BIO_s_mem());
  if (!c->ssl || !c->in || !c->out) {
    describe(err, len, "cannot create a TLS connection");
    BIO_free(c->in);
    BIO_free(c->out);
    SSL_free(c->ssl);
    std::free(c);
    return nullptr;
  }
  // An empty input BIO means "no data yet", not end of file.
  BIO_set_mem_eof_return(c->in, -1);
  SSL_set_bio(c->ssl, c->in, c->out);
  if (SSL_CTX_get_verify_mode(sctx) == SSL_VERIFY_NONE || host == nullptr || !*host) {
    if (host && *host) set_sni(c->ssl, host);
  } else if (!check_host(c, host)) {
    describe(err, len, "cannot check the host name", host);
    conn_free(c);
    return nullptr;
  }
  if (SSL_is_server(c->ssl) == 0)
    SSL_set_connect_state(c->ssl);
  else
    SSL_set_accept_state(c->ssl);
  return c;
}

int conn_put_wire(void* p, const uint8_t* data, size_t len) {
  auto* c = static_cast<conn*>(p);
  size_t written = 0;
  return len == 0 || BIO_write_ex(c->in, data, len, &written) == 1 ? MQTK_TLS_OK : MQTK_TLS_FAILED;
}

// What a user can do about the verification failures people meet most.
const char* hint(long v) {
  switch (v) {
  case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
  case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
  case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
  case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    return " (no trusted CA signed the peer's certificate: check --cafile)";
  case X509_V_ERR_HOSTNAME_MISMATCH:
  case X509_V_ERR_IP_ADDRESS_MISMATCH:
    return " (the certificate is for another host: check -h, or --insecure)";
  case X509_V_ERR_CERT_HAS_EXPIRED:
  case X509_V_ERR_CERT_NOT_YET_VALID:
    return " (check the clocks and the certificate's dates)";
  default:
    return "";
  }
}

// Records why `ret` from an SSL call failed; false when it only wants more input.
bool failed(conn* c, int ret) {
  const int e = SSL_get_error(c->ssl, ret);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return false;
  const long v = SSL_get_verify_result(c->ssl);
  if (v != X509_V_OK) {
    std::snprintf(c->error, sizeof c->error, "certificate verify failed: %s%s",
                  X509_verify_cert_error_string(v), hint(v));
    ERR_clear_error();
  } else if (e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN) {
    std::snprintf(c->error, sizeof c->error, "the peer ended the TLS session");
  } else {
    describe(c->error, sizeof c->error, "TLS error");
  }
  return true;
}

int conn_handshake(void* p) {
  auto* c = static_cast<conn*>(p);
  if (SSL_is_init_finished(c->ssl)) return 1;
  const int r = SSL_do_handshake(c->ssl);
  if (r == 1) return 1;
  return failed(c, r) ? MQTK_TLS_FAILED : 0;
}

int conn_read(void* p, uint8_t* out, size_t cap, size_t* got, int* closed) {
  auto* c = static_cast<conn*>(p);
  *got = 0;
  *closed = 0;
  const int r = SSL_read_ex(c->ssl, out, cap, got);
  if (r == 1) return MQTK_TLS_OK;
  if (SSL_get_error(c->ssl, r) == SSL_ERROR_ZERO_RETURN) {
    *closed = 1;
    return MQTK_TLS_OK;
  }
  return failed(c, r) ? MQTK_TLS_FAILED : MQTK_TLS_OK;
}

int conn_write(void* p, const uint8_t* data, size_t len) {
  auto* c = static_cast<conn*>(p);
  size_t done = 0;
  if (len == 0) return MQTK_TLS_OK;
  const int r = SSL_write_ex(c->ssl, data, len, &done);
  if (r == 1 && done == len) return MQTK_TLS_OK;
  failed(c, r);
  return MQTK_TLS_FAILED;
}

void conn_shutdown(void* p) {
  auto* c = static_cast<conn*>(p);
  if (SSL_is_init_finished(c->ssl)) SSL_shutdown(c->ssl);
  ERR_clear_error();
}

size_t conn_wire_pending(void* p) {
  return BIO_ctrl_pending(static_cast<conn*>(p)->out);
}

size_t conn_take_wire(void* p, uint8_t* out, size_t cap) {
  auto* c = static_cast<conn*>(p);
  size_t n = 0;
  if (BIO_ctrl_pending(c->out) == 0 || BIO_read_ex(c->out, out, cap, &n) != 1) return 0;
  return n;
}

const char* conn_error(void* p) {
  return static_cast<conn*>(p)->error;
}

int conn_peer_cn(void* p, char* out, size_t cap) {
  auto* c = static_cast<conn*>(p);
  X509* cert = SSL_get1_peer_certificate(c->ssl);
  if (!cert) return 0;
  const int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, out,
                                          static_cast<int>(cap));
  X509_free(cert);
  return n > 0 ? 1 : 0;
}

const char* conn_version(void* p) {
  return SSL_get_version(static_cast<conn*>(p)->ssl);
}

void sha1(const uint8_t* data, size_t len, uint8_t* out) {
  SHA1(data, len, out);
}

void base64(const uint8_t* data, size_t len, char* out) {
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out), data, static_cast<int>(len));
}

int random_bytes(uint8_t* out, size_t len) {
  return RAND_bytes(out, static_cast<int>(len)) == 1 ? 1 : 0;
}

const EVP_MD* named_digest(const char* name) {
  if (std::strcmp(name, "sha256") == 0) return EVP_sha256();
  if (std::strcmp(name, "sha512") == 0) return EVP_sha512();
  return nullptr;
}

int hash2(const char* digest, const uint8_t* a, size_t a_len, const uint8_t* b, size_t b_len,
          uint8_t* out, size_t cap, size_t* len) {
  const EVP_MD* md = named_digest(digest);
  if (!md || cap < static_cast<size_t>(EVP_MD_get_size(md))) return 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned n = 0;
  const bool ok = ctx && EVP_DigestInit_ex(ctx, md, nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, a, a_len) == 1 && EVP_DigestUpdate(ctx, b, b_len) == 1 &&
                  EVP_DigestFinal_ex(ctx, out, &n) == 1;
  EVP_MD_CTX_free(ctx);
  *len = n;
  return ok ? 1 : 0;
}

int pbkdf2(const char* digest, const uint8_t* password, size_t password_len, const uint8_t* salt,
           size_t salt_len, unsigned iterations, uint8_t* out, size_t out_len) {
  const EVP_MD* md = named_digest(digest);
  if (!md || iterations == 0 || iterations > 0x7fffffffu) return 0;
  return PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password), static_cast<int>(password_len),
                           salt, static_cast<int>(salt_len), static_cast<int>(iterations), md,
                           static_cast<int>(out_len), out) == 1
             ? 1
             : 0;
}

int hmac(const char* digest, const uint8_t* key, size_t key_len, const uint8_t* data,
         size_t data_len, uint8_t* out, size_t cap, size_t* len) {
  const EVP_MD* md = named_digest(digest);
  if (!md || cap < static_cast<size_t>(EVP_MD_get_size(md))) return 0;
  unsigned n = 0;
  if (!HMAC(md, key, static_cast<int>(key_len), data, data_len, out, &n)) return 0;
  *len = n;
  return 1;
}

int equal(const uint8_t* a, const uint8_t* b, size_t len) {
  return CRYPTO_memcmp(a, b, len) == 0 ? 1 : 0;
}

constexpr mqtk_openssl_api api = {
    MQTK_OPENSSL_API_VERSION,
    ctx_new,
    ctx_free,
    conn_new,
    conn_free,
    conn_put_wire,
    conn_handshake,
    conn_read,
    conn_write,
    conn_shutdown,
    conn_take_wire,
    conn_wire_pending,
    conn_error,
    conn_peer_cn,
    conn_version,
    sha1,
    base64,
    random_bytes,
    hash2,
    pbkdf2,
    hmac,
    equal,
};

} // namespace

extern "C" __attribute__((visibility("default"))) const mqtk_openssl_api* mqtk_openssl_module() {
  return &api;
}
