// SPDX-License-Identifier: MIT
// What mqtk-sub(1) says besides its options.
#include "common/manual_text.hpp"
#include "sub/options.hpp"

namespace mqtk::app::sub {
namespace {

const char* output_format = R"roff(Without \fB\-F\fR or \fB\-j\fR each message prints as its
payload (\fB\-v\fR: topic, a space, payload) and a newline (none with \fB\-N\fR). Standard output
is flushed after each batch of messages that arrived together, so a pipe sees every message as
it arrives; a closed pipe ends mqtk-sub quietly with status 0.
.SS "\-F codes (mosquitto_sub's)"
.TP
.B %t
topic
.TP
.B %p
payload, raw
.TP
.BR %x ", " %X
payload in lower or upper case hexadecimal
.TP
.B %l
payload length in bytes
.TP
.B %q
QoS
.TP
.B %r
retain flag, 0 or 1
.TP
.B %m
packet identifier (0 at QoS 0)
.TP
.B %I
time received, ISO 8601 with the local offset
.TP
.B %U
time received, Unix seconds with nanoseconds
.TP
.BR %j ", " %J
the JSON object mosquitto_sub prints, byte for byte: \fBtst\fR (local time, microseconds, then
\fBZ\fR and the UTC offset, as mosquitto_sub writes it), \fBtopic\fR, \fBqos\fR, \fBretain\fR
(0/1), \fBpayloadlen\fR, \fBmid\fR (QoS 1 and 2), \fBproperties\fR (MQTT 5, in the order they
arrived) and \fBpayload\fR: a string for \fB%j\fR, embedded JSON for \fB%J\fR (which shows
nothing, and says so on standard error, for a payload that is not JSON). Numbers, escapes and
\fB\-\-pretty\fR's tab indentation follow mosquitto_sub's JSON library; \fB\-j\fR is mqtk's own,
lossless line
.TP
.B %A %C %D %E %F %P %R %S
MQTT 5: topic alias, content type, correlation data, message expiry interval, payload format
indicator, user properties (key:value separated by spaces), response topic, subscription
identifiers (comma separated)
.TP
.B %%
a percent sign
.TP
.BI @ X
the strftime(3) conversion %\fIX\fR of the time received (\fB@Y\fR, \fB@m\fR, \fB@d\fR,
\fB@H\fR, \fB@M\fR, \fB@S\fR, ...); \fB@N\fR nanoseconds; \fB@@\fR an at sign
.TP
.B \ee \en \er \et \ev \ea \e0 \e\e
escape, newline, carriage return, tab, vertical tab, bell, NUL, backslash
.PP
A % code may carry printf's \- flag, a width and a .precision: \fB%\-20t\fR pads the topic to
20 columns on the left, \fB%.8p\fR prints at most 8 bytes of payload. A newline follows each
message unless \fB\-N\fR.
.SS "JSON lines (\-j)"
One object per line with these fields, in this order:
.TP
.B timestamp
time received, RFC 3339 in UTC with microseconds
.TP
.BR topic ", " qos ", " retain
as received
.TP
.B payload_encoding
\fBjson\fR when the payload is JSON (it is then embedded as JSON, written as it arrived:
spacing, number spellings and escapes kept), \fButf8\fR for other UTF-8 text (a string),
\fBbase64\fR for anything else
.TP
.B payload
the payload in that encoding
.TP
.B payload_text
only for a JSON payload that spans lines or has space around it, which cannot stand in one line
as written: its exact text, as a string (\fBpayload\fR then holds it re-serialised)
.TP
.B properties
MQTT 5 only, when present: payload_format_indicator, message_expiry_interval, content_type,
response_topic, correlation_data (base64), subscription_identifiers, user_properties (an array
of [key, value] pairs)
.PP
\fBmqtk-pub \-\-jsonl\fR reads these lines back.)roff";

} // namespace

page_info manual() {
  page_info p;
  p.synopsis = "[\\fIOPTIONS\\fR] \\fB\\-t\\fR \\fIFILTER\\fR ...";
  p.description = R"roff(.B mqtk-sub
subscribes to MQTT topic filters (MQTT 3.1.1 and 5.0) and prints each message that arrives: as
text, in a format of your own (\fB\-F\fR), or as JSON lines (\fB\-j\fR) that are lossless and
binary-safe. Its short options are mosquitto_sub's.
.PP
It reconnects after a lost connection with exponential back-off; a resumed persistent session
(\fB\-c\fR) keeps its subscriptions, otherwise it subscribes again.)roff";
  p.sections = {{"OUTPUT FORMAT", output_format},
                {"TRANSPORTS", client_transports_section()},
                {"EXIT STATUS", exit_status_section()},
                {"ENVIRONMENT", client_environment_section("mqtk-sub")},
                {"FILES", client_files_section("mqtk-sub")}};
  p.examples = {
      {"Print topic and payload of one message:", "mqtk-sub -t 'sensors/#' -v -C 1"},
      {"Record as JSON lines:", "mqtk-sub -t 'sensors/#' -j -C 1 > capture.jsonl"},
      {"A format of your own:", "mqtk-sub -t 'sensors/#' -F '@H:@M:@S %t %l bytes: %p' -C 1"},
      {"A QoS per topic (each -q after its -t; a single -q is every topic's):",
       "mqtk-sub -t alarms -q 2 -t 'sensors/#' -q 0 -C 1"},
      {"JSON payloads indented for reading:", "mqtk-sub -t 'sensors/#' --pretty -C 1"},
      {"Over WebSocket, as a browser connects:",
       "mqtk-sub -L ws://localhost:8080/mqtt -t 'sensors/#' -C 1"},
      {"Create a persistent session that queues QoS 1 messages while away, then exit:",
       "mqtk-sub -i logger -c -q 1 -t 'logs/#' -E"}};
  p.see_also = "\\fBmqtk-pub\\fR(1), \\fBmqtk-broker\\fR(8), \\fBmosquitto_sub\\fR(1)";
  return p;
}

} // namespace mqtk::app::sub
