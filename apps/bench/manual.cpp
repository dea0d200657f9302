// SPDX-License-Identifier: MIT
// What mqtk-bench(1) says besides its options.
#include "bench/options.hpp"
#include "common/manual_text.hpp"

namespace mqtk::app::bench {

page_info manual() {
  page_info p;
  p.synopsis = "[\\fIOPTIONS\\fR] [\\fBpubsub\\fR|\\fBpub\\fR|\\fBsub\\fR|\\fBconn\\fR]";
  p.description = R"roff(.B mqtk-bench
loads an MQTT broker (any broker, MQTT 3.1.1 or 5.0) and measures it: subscribers connect and
subscribe first, then publishers send stamped messages on an absolute schedule.
.PP
Every payload starts with a 32-byte stamp: publisher, sequence number, the time the message was
meant to be sent and the time it was sent, in nanoseconds (payloads of 16 to 31 bytes carry a
16-byte stamp without the intended time, which the subscriber takes from the publisher's
schedule when it runs the publisher, and otherwise from the send time). Latency is measured from
both; the
first does not hide a stall (no coordinated omission): messages sent late because the client or
the broker could not keep up count as late and their latency includes the wait. Percentiles
come from a log-linear histogram accurate to 1%. Loss, duplicates and reordering are counted per
publisher and subscriber. Rates are over one global window, never a sum of per-client rates.
.PP
Once a second a line on standard error shows elapsed time, messages sent and received in that
second, messages in flight, the p99 latency so far and errors. At the end a summary goes to
standard output (\fB\-\-json\fR: one JSON object).)roff";
  p.sections = {{"OUTPUT FORMAT", R"roff(The JSON summary has: mode, publishers, subscribers, qos,
payload_bytes, rate_per_publisher, sent, received, acknowledged, lost, duplicates, reordered,
late, errors, foreign (messages without our stamp), send_seconds, receive_seconds, send_rate,
receive_rate, and latency_us with from_intended and from_sent, each holding count, p50, p90,
p99, p99_9, p99_99, max and mean in microseconds.)roff"},
                {"TRANSPORTS", client_transports_section()},
                {"EXIT STATUS", exit_status_section()},
                {"ENVIRONMENT", client_environment_section("mqtk-bench")}};
  p.examples = {
      {"One publisher and one subscriber, 1,000 QoS 1 messages:", "mqtk-bench --count 1000 -q 1"},
      {"Ten publishers at 100 messages/s each for 2 seconds, JSON summary:",
       "mqtk-bench --publishers 10 --rate 100 --duration 2 --json"},
      {"The same load over TLS:",
       "mqtk-bench -L mqtts://localhost:8883 --cafile ca.crt --count 1000"}};
  p.see_also = "\\fBmqtk-pub\\fR(1), \\fBmqtk-sub\\fR(1), \\fBmqtk-broker\\fR(8)";
  return p;
}

} // namespace mqtk::app::bench
