# SPDX-License-Identifier: MIT
# Helpers for live tests that speak MQTT over raw sockets: packet bytes, a broker started on a
# free port (port 0 and --port-file), and a checklist that prints ok/FAIL lines.
import os, socket, struct, subprocess, tempfile, time


def varint(n):
    out = bytearray()
    while True:
        b, n = n % 128, n // 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def packet(first, body):
    return bytes([first]) + varint(len(body)) + body


def utf8(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">H", len(b)) + b


def connect(client_id, keep_alive=60, clean=True, v5=False, session_expiry=0):
    flags = 0x02 if clean else 0
    if v5:
        props = b"" if not session_expiry else b"\x11" + struct.pack(">I", session_expiry)
        return packet(0x10, utf8("MQTT") + bytes([5, flags]) + struct.pack(">H", keep_alive) +
                      varint(len(props)) + props + utf8(client_id))
    return packet(0x10, utf8("MQTT") + bytes([4, flags]) + struct.pack(">H", keep_alive) +
                  utf8(client_id))


# v5: an empty property list after the variable header's fixed part.
def publish(topic, payload, qos=0, packet_id=1, retain=False, v5=False):
    body = utf8(topic) + (struct.pack(">H", packet_id) if qos else b"") + \
        (b"\x00" if v5 else b"") + payload
    return packet(0x30 | (qos << 1) | (1 if retain else 0), body)


def subscribe(topic, qos=0, packet_id=1, v5=False):
    return packet(0x82, struct.pack(">H", packet_id) + (b"\x00" if v5 else b"") + utf8(topic) +
                  bytes([qos]))


def unsubscribe(topic, packet_id=1, v5=False):
    return packet(0xA2, struct.pack(">H", packet_id) + (b"\x00" if v5 else b"") + utf8(topic))


PINGREQ = b"\xc0\x00"
DISCONNECT = b"\xe0\x00"


def read_packet(s):
    """One packet as (first byte, body); None when the peer closed."""
    def exactly(n):
        data = b""
        while len(data) < n:
            chunk = s.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data
    head = exactly(1)
    if head is None:
        return None
    size, shift = 0, 0
    while True:
        b = exactly(1)
        if b is None:
            return None
        size |= (b[0] & 0x7F) << shift
        shift += 7
        if not b[0] & 0x80:
            break
    body = exactly(size) if size else b""
    return None if body is None else (head[0], body)


class checklist:
    def __init__(self):
        self.failed = []

    def __call__(self, ok, what):
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            self.failed.append(what)


class broker:
    """mqtk-broker on free ports; `ports` lists them in listener order."""

    def __init__(self, binary, *args):
        self.work = tempfile.mkdtemp(prefix="mqtk-live-")
        port_file = os.path.join(self.work, "ports")
        self.log = open(os.path.join(self.work, "broker.log"), "w+")
        self.proc = subprocess.Popen([binary, "--port-file", port_file, *args], stderr=self.log)
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            if self.proc.poll() is not None:
                raise RuntimeError("the broker exited: " + self.log_text())
            time.sleep(0.05)
        self.ports = [int(p) for p in open(port_file).read().split()]
        self.port = self.ports[0]

    def log_text(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def rss_kib(self):
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def cpu_seconds(self):
        fields = open(f"/proc/{self.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def open_fds(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def stop(self):
        """SIGTERM, then the exit status (a sanitizer report makes it non-zero)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def round_trip(port, timeout=2.0, client_id="probe"):
    """A fresh client's QoS 1 publish to itself; the seconds it took, or None."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(connect(client_id))
            if (read_packet(s) or (0,))[0] != 0x20:
                return None
            s.sendall(subscribe("probe/" + client_id, 1))
            if (read_packet(s) or (0,))[0] != 0x90:
                return None
            s.sendall(publish("probe/" + client_id, b"ping", 1, 2))
            got = set()
            while len(got) < 2:
                p = read_packet(s)
                if p is None:
                    return None
                if p[0] == 0x40:
                    got.add("puback")
                elif p[0] & 0xF0 == 0x30:
                    got.add("publish")
                    if p[0] & 0x06:
                        s.sendall(packet(0x40, p[1][2 + p[1][1] + (p[1][0] << 8):][:2]))
            s.sendall(DISCONNECT)
    except OSError:
        return None
    return time.monotonic() - start
