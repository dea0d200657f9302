// SPDX-License-Identifier: MIT
// What mqtk-pub(1) says besides its options.
#include "common/manual_text.hpp"
#include "pub/options.hpp"

namespace mqtk::app::pub {

page_info manual() {
  page_info p;
  p.synopsis = "[\\fIOPTIONS\\fR] {\\fB\\-t\\fR \\fITOPIC\\fR {\\fB\\-m\\fR \\fIMESSAGE\\fR | "
               "\\fB\\-f\\fR \\fIFILE\\fR | \\fB\\-n\\fR | \\fB\\-s\\fR | \\fB\\-l\\fR} | "
               "\\fB\\-\\-topic\\-per\\-line\\fR | \\fB\\-\\-jsonl\\fR}";
  p.description = R"roff(.B mqtk-pub
publishes MQTT messages (MQTT 3.1.1 and 5.0) from the command line: one message, a file, all of
standard input, or a stream of lines. Its short options are mosquitto_pub's.
.PP
It exits only when every QoS 1 and QoS 2 message has been acknowledged, so nothing is lost at
the end of input. When reading lines it reconnects after a lost connection with exponential
back-off and resends what was not acknowledged; memory stays bounded because reading waits
while 10,000 messages are unsent.
.PP
With \fB\-\-jsonl\fR each line is a JSON object as \fBmqtk-sub \-j\fR writes it (topic, payload,
payload_encoding, qos, retain, properties), so a capture replays byte for byte: a JSON payload
is sent as the text of its \fBpayload\fR member as written in the line (or its
\fBpayload_text\fR when there is one). With
\fB\-\-wait\-response\fR it publishes a request with a Response Topic and fresh Correlation Data,
prints the matching reply (or \fB\-C\fR \fIN\fR replies) as \fBmqtk-sub\fR would with the same
\fB\-v\fR, \fB\-N\fR, \fB\-j\fR, \fB\-\-pretty\fR and \fB\-F\fR, and exits; \fB\-\-latency\fR says each
reply's round trip on standard error.)roff";
  p.sections = {{"TRANSPORTS", client_transports_section()},
                {"EXIT STATUS", exit_status_section()},
                {"ENVIRONMENT", client_environment_section("mqtk-pub")},
                {"FILES", client_files_section("mqtk-pub")}};
  p.examples = {
      {"Publish a retained JSON reading at QoS 1:",
       "mqtk-pub -t sensors/1 -m '{\"t\":21.5}' -r -q 1"},
      {"One message per line, each acknowledged before mqtk-pub exits:",
       "seq 10 | mqtk-pub -t counter -l -q 1"},
      {"A topic on every line:",
       "printf 'lights/1 on\\nlights/2 off\\n' | mqtk-pub --topic-per-line"},
      {"MQTT 5 properties:",
       "mqtk-pub -t greetings -m hello --content-type text/plain --user-property source=cli"},
      {"Over TLS, trusting a private CA:",
       "mqtk-pub -L mqtts://localhost:8883/sensors/1 --cafile ca.crt -m 21.5"},
      {"Record one message and publish it again:",
       "mqtk-sub -t 'sensors/#' -j -C 1 > capture.jsonl && mqtk-pub --jsonl < capture.jsonl"}};
  p.see_also = "\\fBmqtk-sub\\fR(1), \\fBmqtk-broker\\fR(8), \\fBmosquitto_pub\\fR(1)";
  return p;
}

} // namespace mqtk::app::pub
