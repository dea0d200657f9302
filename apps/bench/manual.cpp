// SPDX-License-Identifier: MIT
// What mqtk-bench(1) says besides its options.
#include "bench/options.hpp"
#include "common/manual_text.hpp"

namespace mqtk::app::bench {

namespace {

const char* instances_section() {
  return R"roff(One machine may not load a broker cluster enough. Run one mqtk-bench per
machine with \fB\-\-instance\fR \fII\fR/\fIN\fR and the same \fB\-\-start\-at\fR time,
each with \fB\-\-save\fR, then merge the files on any machine:
.PP
.EX
mqtk-bench merge a.json b.json \-\-report run.html
.EE
.PP
Client number \fIk\fR of instance \fII\fR is number \fIk\fR\(mu\fIN\fR+\fII\fR\-1 of
the run: client ids, \fB%i\fR in topics and the publisher numbers in stamps never collide,
whatever each instance's client counts. Subscribers learn the other instances' publishers from
their stamps. Stamps carry wall-clock times, so latency across machines is as exact as their
clocks agree (NTP or PTP); \fB\-\-start\-at\fR lines the schedules up and the merge aligns the
seconds on the wall clock.
.PP
\fBmerge\fR adds the counts, merges the latency histograms bucket by bucket (so p99.9 of the
merged run is exact to the histogram's resolution, not an average of percentiles), and counts
loss across instances: a subscriber on one machine misses a message of a publisher on another,
and the merge finds it from the publisher's count and the subscriber's record, and places it in
the second it was sent. An instance alone counts loss only for its own publishers. Loss assumes
every subscriber should get every message (the default filter). \fBmerge\fR refuses files of
different QoS or payload size, an instance given twice and publisher numbers that collide
(exit status 2), and warns of an instance that is missing. A merged run merges again with
further instances. Missing ranges are kept up to 4,096 per publisher and subscriber; losses past
them are counted exactly but not placed in time (the report says how many).
\fBcompare\fR \fIA\fR \fIB\fR prints B's figures as ratios of A's (rates, loss,
percentiles) and with \fB\-\-report\fR draws both runs on the same axes.)roff";
}

} // namespace

page_info manual() {
  page_info p;
  p.synopsis = "[\\fIOPTIONS\\fR] [\\fBpubsub\\fR|\\fBpub\\fR|\\fBsub\\fR|\\fBconn\\fR]\n.br\n"
               ".B mqtk-bench merge\n\\fIFILE\\fR... [\\fB\\-\\-save\\fR \\fIFILE\\fR] "
               "[\\fB\\-\\-report\\fR \\fIFILE\\fR] [\\fB\\-\\-csv\\fR \\fIFILE\\fR] "
               "[\\fB\\-\\-json\\fR]\n.br\n"
               ".B mqtk-bench compare\n\\fIA\\fR \\fIB\\fR [\\fB\\-\\-report\\fR \\fIFILE\\fR] "
               "[\\fB\\-\\-json\\fR]";
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
standard output (\fB\-\-json\fR: one JSON object): a header naming the target URL, columns
headed count, rate and window, and a note when the two latency rows measure the same thing
(no \fB\-\-rate\fR). \fB\-\-report\fR writes one HTML page without scripts or external
resources: the run's facts (target, load, host, version), the summary, and SVG charts of
throughput, latency percentiles (p50, p99, p99.9) and losses per second, and the percentile
spectrum on a log scale.)roff";
  p.sections = {{"ONE RUN FROM SEVERAL MACHINES", instances_section()},
                {"OUTPUT FORMAT", R"roff(The JSON summary has: format_version (2), target, mode,
instance, instances, publishers, subscribers, qos, payload_bytes, rate_per_publisher, sent,
received, acknowledged, lost, duplicates, reordered, late, errors, foreign (messages without our
stamp, or stamped before this run began: retained or queued from an earlier run), send_seconds, receive_seconds, send_rate, receive_rate, and latency_us with
from_intended and from_sent, each holding count, p50, p90, p99, p99_9, p99_99, max and mean in
microseconds. In conn mode sent counts connection attempts and received CONNACKs. A merged run
has instance 0 and instances the number of instances merged.
.PP
The file \fB\-\-save\fR writes is one JSON object with format "mqtk-bench-run" and
format_version 1: the run's facts, the totals, both latency histograms bucket by bucket (in
nanoseconds), the per-second series (each second with its own histogram), each publisher's
count per second and what the subscribers heard from each publisher (distinct count, missing
ranges, highest number seen). A reader refuses another format version.)roff"},
                {"TRANSPORTS", client_transports_section()},
                {"EXIT STATUS", exit_status_section()},
                {"ENVIRONMENT", client_environment_section("mqtk-bench")}};
  p.examples = {
      {"One publisher and one subscriber, 1,000 QoS 1 messages:", "mqtk-bench --count 1000 -q 1"},
      {"Ten publishers at 100 messages/s each for 2 seconds, JSON summary:",
       "mqtk-bench --publishers 10 --rate 100 --duration 2 --json"},
      {"The same load over TLS:",
       "mqtk-bench -L mqtts://localhost:8883 --cafile ca.crt --count 1000"},
      {"Two instances of one run lined up to start together (on two machines, run one line on "
       "each), then merged into one report:",
       "at=$(($(date +%s) + 2)); mqtk-bench sub --instance 2/2 --start-at $at --duration 2 "
       "--quiet --save b.json & mqtk-bench pub --instance 1/2 --start-at $at --count 1000 "
       "--rate 500 --quiet --save a.json; wait; mqtk-bench merge a.json b.json --report run.html"},
      {"Two runs saved and compared, B against A:",
       "mqtk-bench --count 2000 -q 1 --save a.json && mqtk-bench --count 2000 -q 1 --save "
       "b.json && mqtk-bench compare a.json b.json --report compare.html"}};
  p.see_also = "\\fBmqtk-pub\\fR(1), \\fBmqtk-sub\\fR(1), \\fBmqtk-broker\\fR(8)";
  return p;
}

} // namespace mqtk::app::bench
