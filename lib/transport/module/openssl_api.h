/* SPDX-License-Identifier: MIT
 * The C interface between the tools and libmqtk-openssl.so, the module that holds everything
 * OpenSSL does for mqtk (TLS, hashes, PBKDF2, HMAC, base64, random bytes). The tools load it only
 * when a TLS or WebSocket transport is asked for, so a plain mqtt:// run never pays OpenSSL 3's
 * load-time cost (DESIGN.md §2). Plain C types only: the module and the tools each carry their own
 * C++ runtime. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { MQTK_OPENSSL_API_VERSION = 3 };

/* Status of a TLS engine call. */
enum { MQTK_TLS_OK = 0, MQTK_TLS_FAILED = -1 };

struct mqtk_tls_config {
  int server;         /* 1: accept connections; 0: connect */
  const char* cafile; /* NULL or "" when not given, likewise below */
  const char* capath;
  const char* certfile;
  const char* keyfile;
  const char* ciphers;     /* OpenSSL cipher list (TLS 1.2) or TLS 1.3 suites */
  const char* min_version; /* "tlsv1.1", "tlsv1.2", "tlsv1.3" */
  const char* alpn;        /* comma-separated protocol names (client) */
  int verify_peer;         /* client: check the server's chain; server: ask for a client cert */
  int require_peer_cert;   /* server: refuse clients without a certificate */
  int use_os_certs;        /* also trust the system's CA store */
};

struct mqtk_openssl_api {
  int version;
  /* A context holds certificates and settings; NULL on error with a message in err. */
  void* (*ctx_new)(const struct mqtk_tls_config* config, char* err, size_t err_len);
  void (*ctx_free)(void* ctx);
  /* One connection's engine over memory buffers. `host` (client) is checked against the
   * server certificate unless NULL, and sent as SNI when it is a name. */
  void* (*conn_new)(void* ctx, const char* host, char* err, size_t err_len);
  void (*conn_free)(void* conn);
  /* Bytes received from the peer. */
  int (*conn_put_wire)(void* conn, const uint8_t* data, size_t len);
  /* Advances the handshake; 1 when it is complete, 0 while under way, MQTK_TLS_FAILED. */
  int (*conn_handshake)(void* conn);
  /* Decrypted bytes: up to cap into out; *got 0 when none are ready. MQTK_TLS_FAILED on error;
   * *closed set when the peer sent close_notify. */
  int (*conn_read)(void* conn, uint8_t* out, size_t cap, size_t* got, int* closed);
  /* Plain bytes to encrypt (after the handshake). */
  int (*conn_write)(void* conn, const uint8_t* data, size_t len);
  /* Sends close_notify. */
  void (*conn_shutdown)(void* conn);
  /* Bytes to send to the peer: up to cap into out; returns how many (0: none pending). */
  size_t (*conn_take_wire)(void* conn, uint8_t* out, size_t cap);
  /* How many bytes conn_take_wire would give. */
  size_t (*conn_wire_pending)(void* conn);
  /* Why the last call failed, in words ("certificate verify failed: ...", "hostname mismatch"). */
  const char* (*conn_error)(void* conn);
  /* The peer certificate's subject Common Name into out; 0 when there is none. */
  int (*conn_peer_cn)(void* conn, char* out, size_t cap);
  /* The negotiated protocol ("TLSv1.3") for -d traces. */
  const char* (*conn_version)(void* conn);
  /* SHA-1 of data into out (20 bytes). */
  void (*sha1)(const uint8_t* data, size_t len, uint8_t* out);
  /* Base64 of data into out (4 * ceil(len / 3) + 1 bytes, NUL-terminated). */
  void (*base64)(const uint8_t* data, size_t len, char* out);
  /* Cryptographically random bytes; 0 on failure. */
  int (*random_bytes)(uint8_t* out, size_t len);
  /* The digests below take `digest` as "sha256" or "sha512"; each returns 1, or 0 on failure
   * (an unknown digest, out too small). */
  /* digest(a || b) into out (cap bytes at least the digest's size); *len gets its size. */
  int (*hash2)(const char* digest, const uint8_t* a, size_t a_len, const uint8_t* b, size_t b_len,
               uint8_t* out, size_t cap, size_t* len);
  /* PBKDF2-HMAC-digest of the password and salt, out_len bytes (RFC 8018). */
  int (*pbkdf2)(const char* digest, const uint8_t* password, size_t password_len,
                const uint8_t* salt, size_t salt_len, unsigned iterations, uint8_t* out,
                size_t out_len);
  /* HMAC-digest of data under key into out (cap bytes); *len gets its size. */
  int (*hmac)(const char* digest, const uint8_t* key, size_t key_len, const uint8_t* data,
              size_t data_len, uint8_t* out, size_t cap, size_t* len);
  /* 1 when the len bytes at a and b are equal, in time that does not depend on where they
   * differ. */
  int (*equal)(const uint8_t* a, const uint8_t* b, size_t len);
};

/* The module's one exported symbol. */
const struct mqtk_openssl_api* mqtk_openssl_module(void);

#ifdef __cplusplus
}
#endif
