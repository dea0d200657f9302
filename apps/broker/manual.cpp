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
authentication unless \fB\-\-allow\-anonymous\fR says so.
.PP
When a subscriber's queue is full it pauses the publishers that feed it (backpressure) instead
of dropping their messages; \fB\-\-drop\-when\-full\fR restores mosquitto's behaviour. SIGTERM
and SIGINT stop it cleanly, logging what went in and out.)roff";
  p.sections = {
      {"EXIT STATUS",
       ".TP\n.B 0\nStopped by SIGTERM or SIGINT.\n.TP\n.B 1\nCould not listen.\n.TP\n.B 2\n"
       "Usage error: a bad flag or configuration file."},
      {"FILES", ".TP\n.I mqtk-broker.conf\nSettings in mosquitto.conf syntax, given with "
                "\\fB\\-c\\fR; see \\fBmqtk-broker.conf\\fR(5)."}};
  p.examples = {{"Listen on 127.0.0.1:1883 and log every connection:", "mqtk-broker -v"},
                {"Listen on IPv6 loopback and a Unix socket:",
                 "mqtk-broker -L '[::1]:1883' --unix /tmp/mqtk.sock"},
                {"MQTT over TLS and over WebSocket (for browsers), besides 127.0.0.1:1883:",
                 "mqtk-broker -p 1883 -L mqtts://127.0.0.1:8883 -L ws://127.0.0.1:8080 "
                 "--certfile server.crt --keyfile server.key"}};
  p.see_also = "\\fBmqtk-broker.conf\\fR(5), \\fBmqtk-pub\\fR(1), \\fBmqtk-sub\\fR(1), "
               "\\fBmosquitto\\fR(8)roff";
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
A subset of mosquitto.conf(5): one key and its values per line, separated by spaces; # starts a
comment. Options given on the command line override the file. An unknown key, a bad value or a
key of a feature not built yet stops mqtk-broker with status 2, naming the file, the line and
the key.
.SH KEYS
)roff";
  for (const auto& k : config_keys())
    out += fmt::format(".TP\n\\fB{}\\fR \\fI{}\\fR\n{}\n", k.key, k.value, k.description);
  out += ".SH \"REFUSED KEYS\"\nThese mosquitto keys belong to work not done yet and are refused "
         "by name rather than ignored:\n";
  std::string refused;
  for (const char* k : unsupported_keys())
    refused += (refused.empty() ? "" : ", ") + fmt::format("\\fB{}\\fR", k);
  out += refused + ".\n";
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
