#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# 10,000 connections held, then closed, twice: the broker connects them all and keeps serving,
# and the second round ends with RSS within 10% of where the first ended (no growth, no leak),
# against the real mqtk-broker (issue 17). Design: not the cold baseline, because Asio keeps each
# socket's reactor state (about 200 bytes) in a pool for reuse, and those live blocks, spread
# over the heap, keep glibc from returning the pages around them (docs/design.md).
#   many_connections_live.py MQTK_BROKER [N]      (default 10000)
import os, resource, selectors, socket, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import rawmqtt as m

broker_bin = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if hard < n + 100:
    print(f"SKIP: {n + 100} descriptors needed, the hard limit is {hard}")
    sys.exit(77)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
check = m.checklist()
b = m.broker(broker_bin, "-p", "0", "--sys-interval", "0")


def wait_for(cond, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def burst(label):
    """n connections held, then closed; (RSS held, RSS after) in KiB."""
    fds0, base = b.open_fds(), b.rss_kib()
    start = time.monotonic()
    socks = []
    sel = selectors.DefaultSelector()
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", b.port))
        s.sendall(m.connect(f"held-{i}", keep_alive=600))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        socks.append(s)
    acked, end = 0, time.monotonic() + 60
    while acked < n and time.monotonic() < end:
        for key, _ in sel.select(timeout=0.5):
            if key.fileobj.recv(16)[:2] == b"\x20\x02":
                acked += 1
            sel.unregister(key.fileobj)
    took = time.monotonic() - start
    held = b.rss_kib()
    print(f"     {label}: {acked} of {n} connected in {took:.1f} s; RSS {base} KiB before, "
          f"{held} KiB held ({(held - base) * 1024 / n:.0f} bytes per connection)")
    check(acked == n, f"{label}: all {n} connections get a CONNACK ({acked})")
    rt = m.round_trip(b.port)
    check(rt is not None and rt < 2, f"{label}: a fresh client gets a QoS 1 round trip meanwhile")
    for s in socks:
        s.close()
    check(wait_for(lambda: b.open_fds() <= fds0 + 2, 30),
          f"{label}: the broker closes them all ({b.open_fds() - fds0} descriptors left over)")
    time.sleep(2.5)  # the broker returns free heap on its 2 s tick
    after = b.rss_kib()
    print(f"     {label}: RSS after closing {after} KiB")
    return held, after


try:
    check(m.round_trip(b.port) is not None, "a first client gets a QoS 1 round trip")
    cold = b.rss_kib()
    held1, after1 = burst("first round")
    held2, after2 = burst("second round")
    if os.environ.get("MQTK_SANITIZED") == "1":  # ASan's quarantine keeps freed memory
        print("     RSS not checked under the sanitizers")
    else:
        check(held2 <= held1 * 1.1, f"the second round holds no more than the first ({held2} "
              f"KiB against {held1} KiB)")
        check(after2 <= after1 * 1.1, f"RSS after the second round within 10% of the first's "
              f"({after2} KiB against {after1} KiB; {cold} KiB cold)")
    check(m.round_trip(b.port) is not None, "a fresh client gets a QoS 1 round trip afterwards")
finally:
    status = b.stop()
check(status == 0, f"the broker stopped cleanly (status {status})")
if check.failed:
    sys.stdout.write(b.log_text()[-3000:])
sys.exit(1 if check.failed else 0)
