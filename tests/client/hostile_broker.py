#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# mqtk-pub, mqtk-sub and mqtk-bench against a scripted hostile broker on loopback (issue 17):
# each scenario answers every connection the same broken way, and each tool must end with its
# documented exit status and a message that says what went wrong, within a bound: never hang,
# never crash (under ASan a report makes the run fail).
#   hostile_broker.py MQTK_PUB MQTK_SUB MQTK_BENCH
import os, socket, subprocess, sys, threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import rawmqtt as m

pub_bin, sub_bin, bench_bin = sys.argv[1:4]
check = m.checklist()


def connack(v5):
    return m.packet(0x20, b"\x00\x00\x00" if v5 else b"\x00\x00")


def suback(pid, v5, codes=b"\x00"):
    return m.packet(0x90, pid + (b"\x00" if v5 else b"") + codes)


# Each scenario: what the broker does after reading a CONNECT (v5: protocol level 5), given the
# packets the client sends next (a function from first byte to bytes, or None to read on).
def scenario_suback_without_codes(s, v5):
    s.sendall(connack(v5))
    while (p := m.read_packet(s)) is not None:
        if p[0] == 0x82:
            s.sendall(suback(p[1][:2], v5, codes=b""))
        elif p[0] & 0xF0 == 0x30 and p[0] & 0x06:  # answer publishes so pub is not the test
            s.sendall(m.packet(0x40, p[1][2 + int.from_bytes(p[1][:2], "big"):][:2]))


def scenario_short_connack(s, v5):
    s.sendall(b"\x20\x03\x00\x00\x00")  # 3.1.1's CONNACK has exactly 2 bytes
    s.recv(1024)


def scenario_huge_publish(s, v5):
    s.sendall(connack(v5))
    s.sendall(b"\x30\xff\xff\xff\x7f\x00\x01t")  # 268,435,455 bytes announced, 3 sent
    while s.recv(1024):
        pass


def scenario_bad_utf8_topic(s, v5):
    s.sendall(connack(v5))
    s.sendall(m.packet(0x30, b"\x00\x02\xc3\x28" + (b"\x00" if v5 else b"") + b"x"))
    while s.recv(1024):
        pass


def scenario_unsolicited_pubrel(s, v5):
    # Not an error: the client answers PUBCOMP (v5: 0x92 Packet Identifier not found) and goes
    # on; the message after it must still arrive.
    s.sendall(connack(v5))
    s.sendall(m.packet(0x62, b"\x12\x34" + (b"\x92\x00" if v5 else b"")))
    while (p := m.read_packet(s)) is not None:
        if p[0] == 0x82:
            s.sendall(suback(p[1][:2], v5))
            s.sendall(m.publish("t", b"after-pubrel", 0, v5=v5))
        elif p[0] & 0xF0 == 0x30 and p[0] & 0x06:
            s.sendall(m.packet(0x40, p[1][2 + int.from_bytes(p[1][:2], "big"):][:2]))


def scenario_no_suback(s, v5):
    s.sendall(connack(v5))
    while m.read_packet(s) is not None:
        pass


def scenario_suback_unknown_id(s, v5):
    s.sendall(connack(v5))
    while (p := m.read_packet(s)) is not None:
        if p[0] == 0x82:
            other = (int.from_bytes(p[1][:2], "big") ^ 0x5555).to_bytes(2, "big")
            s.sendall(suback(other, v5))


def scenario_garbage_connack_properties(s, v5):
    # Property 0x21 Receive Maximum needs two bytes; 0x7f is no property at all.
    s.sendall(m.packet(0x20, b"\x00\x00\x04\x7f\x01\x21\x00"))
    s.recv(1024)


class fake_broker:
    def __init__(self, behave):
        self.behave = behave
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                s, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.one, args=(s,), daemon=True).start()

    def one(self, s):
        with s:
            try:
                s.settimeout(30)
                p = m.read_packet(s)
                if p is None or p[0] != 0x10:
                    return
                v5 = p[1][6] == 5
                self.behave(s, v5)
            except OSError:
                pass

    def close(self):
        self.sock.close()


def run(tool, args, port, timeout=20):
    try:
        r = subprocess.run([tool, "-p", str(port), "--no-reconnect", *args],
                           capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or "", e.stderr or ""


PUB = ["-t", "t", "-m", "x", "-q", "1"]
SUB = ["-t", "t", "-C", "1"]
BENCH = ["pub", "--publishers", "1", "--count", "10", "-q", "1"]
BENCH_SUB = ["sub", "--subscribers", "1", "--duration", "2"]
cases = [
    # scenario, tool, args, versions, expected status, words the message must hold
    (scenario_suback_without_codes, sub_bin, SUB, ("5", "311"), {7}, "without a reason code"),
    (scenario_suback_without_codes, bench_bin, BENCH_SUB, ("5", "311"), {7}, "reason code"),
    (scenario_no_suback, sub_bin, ["--connect-timeout", "2", *SUB], ("5", "311"), {6},
     "no SUBACK"),
    (scenario_suback_unknown_id, sub_bin, ["--connect-timeout", "2", *SUB], ("5", "311"), {6},
     "no SUBACK"),
    # A malformed CONNACK is a protocol failure of a broker that was reached: 7, named so.
    (scenario_short_connack, pub_bin, PUB, ("311",), {7}, "broke the protocol before CONNACK"),
    (scenario_short_connack, sub_bin, SUB, ("311",), {7}, "broke the protocol before CONNACK"),
    (scenario_short_connack, bench_bin, BENCH, ("311",), {7}, "broke the protocol"),
    # Legal in size (the largest the spec allows); the silence after it is what keep-alive
    # catches: no PINGRESP within the keep-alive.
    (scenario_huge_publish, sub_bin, ["-k", "2", *SUB], ("5", "311"), {7}, "Keep Alive"),
    (scenario_bad_utf8_topic, sub_bin, SUB, ("5", "311"), {7}, "UTF-8"),
    (scenario_unsolicited_pubrel, sub_bin, SUB, ("5", "311"), {0}, ""),
    (scenario_garbage_connack_properties, pub_bin, PUB, ("5",), {7}, "unknown property"),
    (scenario_garbage_connack_properties, sub_bin, SUB, ("5",), {7}, "unknown property"),
    (scenario_garbage_connack_properties, bench_bin, BENCH, ("5",), {7}, "unknown property"),
]
for behave, tool, args, versions, expected, words in cases:
    b = fake_broker(behave)
    for v in versions:
        status, out, err = run(tool, ["-V", v, *args], b.port)
        name = f"{behave.__name__[9:]}: {os.path.basename(tool)} -V {v}"
        last = err.strip().splitlines()[-1] if err.strip() else ""
        ok = status in expected and words.lower() in err.lower() and "Sanitizer" not in err
        check(ok, f"{name}: exit {status} (want {sorted(expected)}): {last}")
        if behave is scenario_unsolicited_pubrel:
            check(out.strip() == "after-pubrel", f"{name}: the message after it arrives")
    b.close()
sys.exit(1 if check.failed else 0)
