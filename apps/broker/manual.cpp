// SPDX-License-Identifier: MIT
// What mqtk-broker(8) says besides its options.
#include "broker/config_file.hpp"
#include "broker/options.hpp"

#include <fmt/format.h>

namespace mqtk::app::broker {

page_info manual() {
  page_info p;
  p.section = "8";
  p.synopsis = "[\\fIOPTIONS\\fR]";
  p.description = R"roff(.B mqtk-broker
is a small, strict and fast MQTT 3.1.1 and 5.0 broker. Without options it listens on
127.0.0.1:1883. Like mosquitto 2.0 it refuses to listen on a non-loopback address without
authentication (\fB\-\-password\-file\fR) unless \fB\-\-allow\-anonymous\fR says so.
.PP
\fB\-\-password\-file\fR takes files made by
.BR mqtk-passwd (1)
or mosquitto_passwd; a wrong password and an unknown user get the same refusal (3.1.1 code 4,
MQTT 5 0x86). \fB\-\-acl\-file\fR takes mosquitto's ACL format and is checked at PUBLISH,
SUBSCRIBE (a filter must be readable as a whole), every delivery and for wills. No client may
publish into \fB$SYS\fR.
.PP
When a subscriber's backlog is full it pauses the publishers that feed it (backpressure) instead
of dropping their messages. A subscriber that takes nothing for \fB\-\-slow\-consumer\-timeout\fR
meanwhile is a slow consumer: it pauses no one, its overflow is dropped and counted for it alone,
and the log names it; \fB\-\-drop\-when\-full\fR restores mosquitto's behaviour. SIGTERM
and SIGINT stop it cleanly, logging what went in and out. SIGHUP reads the password file, the
ACL file and the TLS certificates again: a file with a problem keeps the old settings (each bad
line is logged as FILE:LINE), and subscriptions the new ACL refuses are removed.)roff";
  p.sections = {
      {"LOG",
       "As mosquitto's, the log has error, warning, notice and information lines by default, on "
       "stderr. Each client's connect names its address and port, the listener's port, the "
       "client id, the protocol version, clean start or persistent, the keep-alive and the user "
       "name; each refused CONNECT its reason; each disconnect its cause: the client's "
       "DISCONNECT with its reason code, a keep-alive timeout, a protocol error naming the rule, "
       "an oversize packet with its size and the limit, a takeover, the broker shutting down, or "
       "the socket's end. Drops and slow consumers are warnings, a failed save an error. Where "
       "the log is not a terminal (a file, a pipe, journald) each line starts with an ISO 8601 "
       "timestamp. Control characters in client ids and topics are written as \\\\xNN, so "
       "no client can forge a line. \\fB\\-v\\fR logs everything (log_type all): also "
       "each socket, SUBSCRIBE and UNSUBSCRIBE. In a configuration file, log_dest, log_type, "
       "log_timestamp, log_timestamp_format and connection_messages choose; see "
       "\\fBmqtk-broker.conf\\fR(5)."},
      {"EXIT STATUS",
       ".TP\n.B 0\nStopped by SIGTERM or SIGINT.\n.TP\n.B 1\nCould not listen.\n.TP\n.B 2\n"
       "Usage error: a bad flag or configuration file."},
      {"FILES", ".TP\n.I mqtk-broker.conf\nSettings in mosquitto.conf syntax, given with "
                "\\fB\\-c\\fR; see \\fBmqtk-broker.conf\\fR(5)."}};
  p.examples = {{"Listen on 127.0.0.1:1883 and log everything, each socket and SUBSCRIBE too:",
                 "mqtk-broker -v"},
                {"Users from a password file, topics from an ACL file:",
                 "mqtk-broker --password-file passwords --acl-file acl"},
                {"Listen on IPv6 loopback and a Unix socket:",
                 "mqtk-broker -L '[::1]:1883' --unix /tmp/mqtk.sock"},
                {"MQTT over TLS and over WebSocket (for browsers), besides 127.0.0.1:1883:",
                 "mqtk-broker -p 1883 -L mqtts://127.0.0.1:8883 -L ws://127.0.0.1:8080 "
                 "--certfile server.crt --keyfile server.key"}};
  p.see_also = "\\fBmqtk-broker.conf\\fR(5), \\fBmqtk-passwd\\fR(1), \\fBmqtk-pub\\fR(1), "
               "\\fBmqtk-sub\\fR(1), "
               "\\fBmosquitto\\fR(8)";
  return p;
}

std::string config_manual() {
  std::string out = fmt::format(".TH MQTK-BROKER.CONF 5 \"\" \"mqtk {}\" \"mqtk\"\n", MQTK_VERSION);
  out += R"roff(.SH NAME
mqtk-broker.conf \- the configuration file of mqtk-broker
.SH SYNOPSIS
.B mqtk-broker \-c
.I FILE
.SH DESCRIPTION
A subset of mosquitto.conf(5): one key and its values per line, separated by spaces; a word
starting with # begins a comment that runs to the end of the line, except the pattern of a
bridge's \fBtopic\fR line, where # is the wildcard (\fBtopic # both\fR). Options given on the command line override the file. Every problem of a file (an
unknown key, a bad value, a refused key) is reported at once as FILE:LINE, and mqtk-broker stops
with status 2; \fBmqtk-broker \-\-test\-config \-c\fR \fIFILE\fR checks a file (and the
certificates, password and ACL files it names) without listening.
.SH KEYS
)roff";
  for (const auto& k : config_keys())
    out += fmt::format(".TP\n\\fB{}\\fR \\fI{}\\fR\n{}\n", k.key, k.value, k.description);
  out += ".SH \"MOSQUITTO KEYS\"\nEvery other key of mosquitto 2.0's mosquitto.conf(5) is known. "
         "These are accepted with one warning line saying what mqtk-broker does instead:\n";
  for (const auto& k : foreign_keys())
    if (k.accepted) out += fmt::format(".TP\n\\fB{}\\fR\n{}.\n", k.key, k.what);
  out += ".PP\nThese stop mqtk-broker with status 2, naming the line and what to do:\n";
  for (const auto& k : foreign_keys())
    if (!k.accepted) out += fmt::format(".TP\n\\fB{}\\fR\n{}.\n", k.key, k.what);
  out += ".SH BRIDGES\nA \\fBconnection\\fR \\fINAME\\fR line starts a bridge to another broker, "
         "as in "
         "mosquitto; the keys below it, until the next connection line, are that bridge's. "
         "docs/bridges.md says how a bridge behaves.\n";
  for (const auto& k : bridge_keys())
    out += fmt::format(".TP\n\\fB{}\\fR \\fI{}\\fR\n{}\n", k.key, k.value, k.description);
  out += R"roff(.SH EXAMPLES
.PP
.RS
.EX
# two listeners and smaller queues
listener 1883
listener 1884 ::1
max_queued_messages 100
sys_interval 0
.EE
.RE
.SH "SEE ALSO"
\fBmqtk-broker\fR(8), \fBmosquitto.conf\fR(5)
)roff";
  return out;
}

} // namespace mqtk::app::broker
