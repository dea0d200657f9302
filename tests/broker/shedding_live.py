#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Slowloris and half-open connections are shed at their deadlines while the broker serves others
# (issue 17), against the real mqtk-broker: N sockets that send one byte of CONNECT every 5 s,
# N that finish a v5 CONNECT asking for keep-alive 60 and go silent (--max-keep-alive 2 makes it
# 2: closed after 1.5 x 2 s), N TLS handshakes stalled inside their ClientHello. Meanwhile a probe
# connects every 100 ms: its CONNACK p99 stays under 50 ms, and the broker's CPU stays low.
#   shedding_live.py MQTK_BROKER MAKE_CERTS [N]      (N per group, default 300; `long`: 2000)
import os, resource, selectors, socket, statistics, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import rawmqtt as m

broker_bin, make_certs = sys.argv[1:3]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 300
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
need = 3 * n + 200
if hard < need:
    print(f"SKIP: {need} descriptors needed, the hard limit is {hard}")
    sys.exit(77)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the broker inherits it

pki = tempfile.mkdtemp(prefix="mqtk-pki-")
subprocess.run(["bash", make_certs, pki], check=True)
check = m.checklist()
b = m.broker(broker_bin, "-L", "mqtt://127.0.0.1:0", "-L", "mqtts://127.0.0.1:0",
             "--certfile", os.path.join(pki, "server.crt"), "--keyfile",
             os.path.join(pki, "server.key"), "--max-keep-alive", "2", "--sys-interval", "0")
plain, tls = b.ports
CONNECT = m.connect("slowloris", keep_alive=60)
CONNECT_DEADLINE = 10  # the broker's connect_timeout
probe_times, probe_failures = [], []
stop_probe = threading.Event()


def probe():
    i = 0
    while not stop_probe.is_set():
        start = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", plain), timeout=2) as s:
                s.settimeout(2)
                s.sendall(m.connect(f"probe-{i}"))
                p = m.read_packet(s)
                if p and p[0] == 0x20 and p[1][1] == 0:
                    probe_times.append(time.monotonic() - start)
                else:
                    probe_failures.append(i)
                s.sendall(m.DISCONNECT)
        except OSError:
            probe_failures.append(i)
        i += 1
        time.sleep(max(0.0, 0.1 - (time.monotonic() - start)))


groups = {"slowloris": [], "silent": [], "tls": []}
opened = {}
try:
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", plain))
        s.sendall(CONNECT[:1])
        groups["slowloris"].append(s)
        s = socket.create_connection(("127.0.0.1", plain))
        s.sendall(m.connect("silent-%d" % len(groups["silent"]), keep_alive=60, v5=True))
        groups["silent"].append(s)
        s = socket.create_connection(("127.0.0.1", tls))
        s.sendall(b"\x16\x03\x01\x01\x2c\x01\x00\x01\x28\x03\x03")  # 11 of a 305-byte hello
        groups["tls"].append(s)
    t0 = time.monotonic()
    cpu0 = b.cpu_seconds()
    threading.Thread(target=probe, daemon=True).start()
    sel = selectors.DefaultSelector()
    closed = {}
    for name, socks in groups.items():
        for s in socks:
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, name)
    sent_bytes = 1
    next_trickle = t0 + 5
    connacked = 0
    while time.monotonic() - t0 < CONNECT_DEADLINE + 4 and len(closed) < 3 * n:
        now = time.monotonic()
        if now >= next_trickle and sent_bytes < len(CONNECT):
            for s in groups["slowloris"]:
                if s not in closed:
                    try:
                        s.send(CONNECT[sent_bytes:sent_bytes + 1])
                    except OSError:
                        pass
            sent_bytes += 1
            next_trickle += 5
        for key, _ in sel.select(timeout=0.05):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except (ConnectionResetError, BrokenPipeError):
                data = b""
            except BlockingIOError:
                continue
            if data and key.data == "silent" and data[0] == 0x20:
                connacked += 1
            if not data:
                closed[s] = (key.data, time.monotonic() - t0)
                sel.unregister(s)
    elapsed = time.monotonic() - t0
    cpu = b.cpu_seconds() - cpu0
    stop_probe.set()
    for name in groups:
        times = [t for g, t in closed.values() if g == name]
        last = max(times) if times else float("nan")
        print(f"     {name}: {len(times)} of {n} shed, the last at {last:.1f} s")
    limit = {"slowloris": CONNECT_DEADLINE + 2, "silent": 1.5 * 2 + 2, "tls": CONNECT_DEADLINE + 2}
    for name, deadline in limit.items():
        times = [t for g, t in closed.values() if g == name]
        check(len(times) == n and max(times) <= deadline,
              f"every {name} connection is shed by {deadline:.0f} s ({len(times)} of {n})")
    check(connacked == n, f"the silent clients were connected first ({connacked} CONNACKs)")
    probe_times.sort()
    p99 = probe_times[int(0.99 * (len(probe_times) - 1))] * 1000 if probe_times else float("inf")
    print(f"     probe: {len(probe_times)} CONNACKs, median "
          f"{statistics.median(probe_times) * 1000:.1f} ms, p99 {p99:.1f} ms")
    check(not probe_failures and len(probe_times) >= 50,
          f"every probe connected ({len(probe_failures)} failed)")
    check(p99 < 50, f"probe CONNACK p99 under 50 ms ({p99:.1f} ms)")
    check(cpu < 0.25 * elapsed,
          f"broker CPU stays low while shedding ({cpu:.2f} s in {elapsed:.1f} s)")
    check(m.round_trip(plain) is not None, "a fresh client still gets a QoS 1 round trip")
finally:
    stop_probe.set()
    status = b.stop()
check(status == 0, f"the broker stopped cleanly (status {status})")
if check.failed:
    sys.stdout.write(b.log_text()[-3000:])
sys.exit(1 if check.failed else 0)
