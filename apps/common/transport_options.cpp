// SPDX-License-Identifier: MIT
// TLS and WebSocket flags into a client::endpoint.
#include "common/transport_options.hpp"
#include "common/option_families.hpp"

#include "mqtk/client/url.hpp"
#include "mqtk/transport/tls.hpp"

namespace mqtk::app {

void add_transport_flags(CLI::App& app, transport_flags& f) {
  const char* g = "TLS and WebSocket";
  lazy_option_family(app, {"cafile", "capath", "cert", "key", "insecure"}, [&app, &f, g] {
    app.add_option("--cafile", f.cafile, "Trust the CA certificates in FILE (PEM); turns TLS on")
        ->type_name("FILE")
        ->group(g);
    app.add_option("--capath", f.capath, "Trust the CA certificates in DIR (hashed); turns TLS on")
        ->type_name("DIR")
        ->group(g);
    app.add_option("--cert", f.cert, "Client certificate FILE (PEM) for mutual TLS; needs --key")
        ->type_name("FILE")
        ->group(g);
    app.add_option("--key", f.key, "Private key FILE (PEM) of --cert")->type_name("FILE")->group(g);
    app.add_flag("--insecure", f.insecure,
                 "Do not check the server certificate's host name (the chain still is)")
        ->group(g);
  });
  lazy_option_family(
      app, {"tls-version", "ciphers", "tls-alpn", "tls-use-os-certs", "ws-path", "ws-header"},
      [&app, &f, g] {
        app.add_option("--tls-version", f.tls_version, "Lowest TLS version (default tlsv1.2)")
            ->type_name("tlsv1.1|tlsv1.2|tlsv1.3")
            ->group(g);
        app.add_option("--ciphers", f.ciphers, "OpenSSL cipher list (TLS 1.2) or TLS 1.3 suites")
            ->type_name("LIST")
            ->group(g);
        app.add_option("--tls-alpn", f.alpn, "ALPN protocol names, comma-separated")
            ->type_name("LIST")
            ->group(g);
        app.add_flag("--tls-use-os-certs", f.use_os_certs,
                     "Trust the system's CA store too (the default for mqtts:// without --cafile)")
            ->group(g);
        // Not "PATH": that names a local file, and completion would offer file names.
        app.add_option("--ws-path", f.ws_path, "HTTP path of ws:// and wss:// (default /mqtt)")
            ->type_name("HTTP_PATH")
            ->group(g);
        app.add_option("--ws-header", f.ws_headers,
                       "Add 'Name: value' to the WebSocket upgrade request (repeatable)")
            ->type_name("HEADER")
            ->group(g);
      });
}

namespace {

bool check_header(const std::string& h, std::string& why) {
  const auto colon = h.find(':');
  const bool ok = colon != std::string::npos && colon > 0 &&
                  h.find_first_of("\r\n") == std::string::npos && h.find_first_of(" \t") > colon;
  if (!ok) why = "--ws-header '" + h + "': expected 'Name: value' on one line";
  return ok;
}

} // namespace

bool apply_transport(const transport_flags& f, std::string scheme, bool port_given,
                     client::endpoint& where, std::string& why, std::string& warning) {
  if (f.wants_tls() && scheme == "mqtt") scheme = "mqtts";
  if (f.wants_tls() && scheme == "ws") scheme = "wss";
  const bool tls = scheme == "mqtts" || scheme == "wss";
  where.websocket = scheme == "ws" || scheme == "wss";
  if (!port_given) where.port = client::default_port(scheme);
  const bool tls_only_flag = f.insecure || !f.key.empty() || !f.tls_version.empty() ||
                             !f.ciphers.empty() || !f.alpn.empty();
  if (!tls && tls_only_flag)
    return why = "TLS options need TLS: use mqtts:// or wss://, or give --cafile", false;
  if (!where.websocket && (!f.ws_path.empty() || !f.ws_headers.empty()))
    return why = "--ws-path and --ws-header need a ws:// or wss:// URL", false;
  if (!where.unix_path.empty() && (tls || where.websocket))
    return why = "--unix carries plain MQTT only", false;
  for (const auto& h : f.ws_headers)
    if (!check_header(h, why)) return false;
  if (!f.ws_path.empty()) where.ws_path = f.ws_path.front() == '/' ? f.ws_path : "/" + f.ws_path;
  where.ws_headers = f.ws_headers;
  if (!tls) return true;
  transport::tls_options o;
  o.cafile = f.cafile;
  o.capath = f.capath;
  o.certfile = f.cert;
  o.keyfile = f.key;
  o.min_version = f.tls_version;
  o.ciphers = f.ciphers;
  o.alpn = f.alpn;
  o.use_os_certs = f.use_os_certs;
  where.tls = transport::tls_context::make(false, o, why);
  if (!where.tls) return false;
  where.tls_verify_host = f.insecure ? "" : where.host;
  if (f.insecure)
    warning = "warning: --insecure: the server certificate's host name is not checked";
  return true;
}

} // namespace mqtk::app
