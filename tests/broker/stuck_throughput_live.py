#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The stuck-subscriber scenario of issue 17, measured against the real mqtk-broker with
# mqtk-bench: one publisher of 1 KB messages (as fast as the broker takes them) into 3 healthy
# subscribers of bp/# for SECONDS, on a fresh broker alone and on a fresh broker with a client
# that subscribes to bp/# and never reads. At QoS 0 and 1: the healthy subscribers lose nothing
# and the publisher keeps at least 80% of its throughput; the stuck client's drops are logged
# with its id. Then --drop-when-full with one healthy subscriber: 20,000 of 20,000.
# Under the sanitizers (MQTK_SANITIZED=1) the ratio is reported, not checked.
# Design: the rates are medians of ROUNDS runs each, alone and stuck alternating, because this
# shared 2-core machine drifts: one 10 s run of each, back to back, gave ratios from 0.57 to 1.1
# at QoS 1 for the same binary (the commit before this design included).
# (bench/stuck-consumer-vs-mosquitto is the same scenario against mosquitto, on a release build.)
#   stuck_throughput_live.py MQTK_BROKER MQTK_BENCH [SECONDS [ROUNDS]]      (default 10, 3)
import json, os, socket, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import rawmqtt as m

broker_bin, bench_bin = sys.argv[1:3]
seconds = sys.argv[3] if len(sys.argv) > 3 else "10"
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
check = m.checklist()


def stuck_client(port, qos):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.sendall(m.connect("stuck-one"))
    s.sendall(m.subscribe("bp/#", qos))
    time.sleep(0.5)
    return s  # never read


def bench(port, *args):
    r = subprocess.run([bench_bin, "-p", str(port), "--quiet", "--json", *args],
                       capture_output=True, text=True, timeout=int(float(seconds)) + 60)
    return json.loads(r.stdout)


def one_run(qos, with_stuck, first):
    """The publisher's rate on a fresh broker; the checks on the first run of each kind."""
    b = m.broker(broker_bin, "-p", "0", "--sys-interval", "0")
    try:
        stuck = stuck_client(b.port, int(qos)) if with_stuck else None
        j = bench(b.port, "pubsub", "--publishers", "1", "--subscribers", "3", "--topic",
                  "bp/%i", "--filter", "bp/#", "-s", "1k", "-q", qos, "--duration", seconds,
                  "--drain", "3")
        label = "with a stuck subscriber" if with_stuck else "alone"
        lossless = j["lost"] == 0 and j["received"] == 3 * j["sent"]
        if first or not lossless:
            check(lossless, f"QoS {qos} {label}: the healthy subscribers got {j['received']} of "
                            f"{3 * j['sent']}")
        if stuck:
            stuck.close()  # its drop count is logged when it goes
            time.sleep(0.6)
            text = b.log_text()
            logged = ("client stuck-one is a slow consumer" in text and
                      "client stuck-one is gone as a slow consumer;" in text and
                      "dropped for it" in text)
            if first or not logged:
                check(logged, f"QoS {qos}: the stuck client and its drops are logged with its id")
        return j["send_rate"]
    finally:
        b.stop()


for qos in ("0", "1"):
    rates = {False: [], True: []}
    for r in range(rounds):
        for with_stuck in (False, True):
            rates[with_stuck].append(one_run(qos, with_stuck, r == 0))
    alone, stuck = (sorted(rates[k])[len(rates[k]) // 2] for k in (False, True))
    ratio = stuck / alone
    # A sanitizer build's rates say little about the broker's: reported there, checked elsewhere.
    sanitized = os.environ.get("MQTK_SANITIZED") == "1"
    check(sanitized or ratio >= 0.8, f"QoS {qos}: the publisher keeps {ratio:.2f} of its throughput (median "
                        f"{stuck:.0f} against {alone:.0f} msg/s over {rounds} alternating rounds "
                        f"of {seconds} s; at least 0.80)" + (" [not checked under the sanitizers]" if sanitized else ""))

b = m.broker(broker_bin, "-p", "0", "--sys-interval", "0", "--drop-when-full")
try:
    j = bench(b.port, "pubsub", "--publishers", "1", "--subscribers", "1", "-s", "1k", "-q", "0",
              "--count", "20000", "--drain", "5")
    check(j["received"] == 20000 and j["lost"] == 0,
          f"--drop-when-full, one healthy subscriber: {j['received']} of 20000")
finally:
    b.stop()
sys.exit(1 if check.failed else 0)
