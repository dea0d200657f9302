// SPDX-License-Identifier: MIT
// The shared man page sections.
#include "common/manual_text.hpp"

namespace mqtk::app {

std::string exit_status_section() {
  return R"roff(.TP
.B 0
Success: every message delivered as its QoS promises, or the requested count or condition reached.
.TP
.B 2
Usage error: a bad flag, URL, topic or input line.
.TP
.B 3
The broker could not be reached (DNS, connection refused, timeout).
.TP
.B 4
The broker refused the connection (CONNACK failure; the reason is printed).
.TP
.B 5
The broker rejected a publish or a subscription (PUBACK, PUBREC or SUBACK failure).
.TP
.B 6
Timeout (\fB\-W\fR, \fB\-\-wait\-response\fR, or no acknowledgement in time).
.TP
.B 7
The connection was lost and not recovered, or the broker broke the protocol (a malformed packet, also before CONNACK).
.TP
.B 130
Interrupted by SIGINT.)roff";
}

std::string client_environment_section(const std::string& tool) {
  return R"roff(.TP
.B MQTK_HOST, MQTK_PORT
The broker to connect to when neither \fB\-h\fR, \fB\-p\fR nor \fB\-L\fR says.
.TP
.B MQTK_USERNAME, MQTK_PASSWORD
Credentials, so that a password need not appear on the command line.
.TP
.B XDG_CONFIG_HOME
Where the options file is looked for (default \fI~/.config\fR).
.TP
.B NO_COLOR, TERM
Colour (\fB\-\-color auto\fR, the default) is off when NO_COLOR is set to anything or TERM
is \fBdumb\fR, as it is whenever the output is not a terminal; \fB\-\-color always\fR
overrides both.
.PP
Settings are taken from the command line first, then the environment, then the options file
(see FILES), then the built-in defaults (localhost:1883). The host \fBlocalhost\fR is the
loopback address 127.0.0.1, then ::1 if nothing listens there, without asking the resolver
(RFC 6761), whatever /etc/hosts says. )roff" +
         tool + R"roff( starts no TLS library unless a TLS option asks for it.)roff";
}

std::string client_files_section(const std::string& tool) {
  return R"roff(.TP
.I $XDG_CONFIG_HOME/mqtk/)roff" +
         tool + R"roff(.conf
Default options, read before the command line unless \fB\-o\fR names another file. One option
per line as on the command line, e.g. \fB\-h broker.local\fR or \fB\-\-qos 1\fR; the rest of the
line after the first space is the value, verbatim. Blank lines and lines starting with # are
skipped. The command line overrides the file, also across options that exclude each other:
mqtk-sub's \fB\-v\fR in the file gives way to \fB\-F\fR or \fB\-j\fR on the command line.)roff";
}

} // namespace mqtk::app

namespace mqtk::app {

std::string client_transports_section() {
  return R"roff(The URL's scheme picks the transport: \fBmqtt://\fR (TCP, port 1883), \fBmqtts://\fR
(TLS, 8883), \fBws://\fR (WebSocket, 80) and \fBwss://\fR (WebSocket over TLS, 443); \fB\-\-unix\fR
connects to a Unix socket. As with mosquitto_pub, \fB\-\-cafile\fR, \fB\-\-capath\fR, \fB\-\-cert\fR
or \fB\-\-tls\-use\-os\-certs\fR turn TLS on for a plain URL or \fB\-h\fR/\fB\-p\fR.
.PP
TLS checks the server's certificate chain (against \fB\-\-cafile\fR/\fB\-\-capath\fR, or the
system's CA store when neither is given) and that the certificate names the host given with
\fB\-h\fR or in the URL (an IP address or a DNS name; the name is also sent as SNI).
\fB\-\-insecure\fR skips the name check only, and says so on stderr. A failed check exits with
status 3 and says which check failed (no trusted CA, or a certificate for another host).
\fB\-\-cert\fR and \fB\-\-key\fR present a client certificate (mutual TLS).
.PP
WebSocket connections upgrade \fB\-\-ws\-path\fR (default \fI/mqtt\fR, or the URL's path) with
the subprotocol \fBmqtt\fR; \fB\-\-ws\-header\fR adds request headers (tokens, proxies).
.PP
OpenSSL is loaded only when a TLS or WebSocket connection is made (from
\fI/usr/lib/mqtk/libmqtk-openssl.so\fR), so plain MQTT starts faster.)roff";
}

} // namespace mqtk::app
