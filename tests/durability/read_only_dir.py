#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# A read-only store directory: no acknowledgement without a commit.
# Linux will not remount a directory read-only while a process has files in it open for writing
# (mount -o remount,ro,bind fails with EBUSY under a running mqtk-broker), so a store turns
# read-only under a running broker only when its filesystem does, after an error. This test makes
# exactly that happen, in a private mount namespace (nothing outside it sees a mount): the store is
# an ext4 image on a loop device mounted with errors=remount-ro, and an error is triggered through
# /sys/fs/ext4/DEV/trigger_fs_error (the kernel logs "EXT4-fs error ... trigger_test_error").
#  1. 20 QoS 1 messages to a durable MQTT 5 subscriber's topic are acknowledged;
#  2. once the filesystem is read-only: no success PUBACK (MQTT 5 gets 0x80 once the broker knows,
#     MQTT 3.1.1 loses its connection), the broker logs "cannot save", clean sessions still flow;
#  3. kill -9, e2fsck, mount read-write, restart: publishing is acknowledged again, and the
#     subscriber (session present) gets every acknowledged message, in order, none it was refused;
#  4. a directory read-only at start (a read-only bind mount): the broker refuses to start, naming
#     the file; read-write again, it starts and delivers what was queued before.
# The broker runs with --persistence-sync full: with normal, a commit is not on disk before the
# PUBACK, and an aborted filesystem journal loses it like a power failure would.
# Prints "ok - ..." / "not ok - ..." per check, "N passed, M failed"; exits 1 on a failure and 77
# (skipped) when it cannot run: not root, no mount namespace, no loop device or mkfs.ext4.
# usage: /usr/bin/python3 read_only_dir.py PATH/TO/mqtk-broker
import ctypes, os, shutil, signal, socket, struct, subprocess, sys, tempfile, threading, time
import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

binary = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)


def skip(why):
    print(f"skipped: {why}")
    sys.exit(77)


def sh(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


if os.geteuid() != 0:
    skip("needs root (a mount namespace, a loop device)")
if libc.unshare(0x00020000) != 0:  # CLONE_NEWNS, before any thread starts
    skip(f"unshare(CLONE_NEWNS): {os.strerror(ctypes.get_errno())}")
if sh("mount", "--make-rprivate", "/").returncode != 0:
    skip("cannot make the mounts of the new namespace private")
if not shutil.which("mkfs.ext4"):
    skip("no mkfs.ext4 (e2fsprogs)")
work = tempfile.mkdtemp(prefix="mqtk-rodir-")
image, store, log_path = (os.path.join(work, n) for n in ("ext4.img", "store", "broker.log"))
os.mkdir(store)
with open(image, "wb") as f:
    f.truncate(64 << 20)
if sh("mkfs.ext4", "-q", "-F", image).returncode != 0:
    shutil.rmtree(work, ignore_errors=True)
    skip("mkfs.ext4 failed")
mounted = sh("mount", "-o", "loop,errors=remount-ro", image, store)  # loop: freed at umount
if mounted.returncode != 0:
    shutil.rmtree(work, ignore_errors=True)
    skip(f"cannot mount an ext4 image on a loop device: {mounted.stderr.strip()}")
device = os.path.basename(sh("findmnt", "-n", "-o", "SOURCE", store).stdout.strip())
trigger = f"/sys/fs/ext4/{device}/trigger_fs_error"
PORT, broker, passed, failed = None, None, 0, 0


def finish(code):
    if broker is not None and broker.poll() is None:
        broker.kill()
        broker.wait()
    for _ in range(3):
        if sh("umount", store).returncode != 0:
            break
    if code == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"read_only_dir: broker log in {log_path}")
    os._exit(code)


watchdog = threading.Timer(100, lambda: (print("not ok - no progress in 100 s", flush=True),
                                         finish(3)))
watchdog.daemon = True
watchdog.start()


def check(cond, what, detail="", always=False):
    global passed, failed
    passed, failed = passed + bool(cond), failed + (not cond)
    shown = detail and (always or not cond)
    print(f"{'ok' if cond else 'not ok'} - {what}" + (f": {detail}" if shown else ""), flush=True)
    return cond


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_broker():
    """The broker once it accepts connections, or None when it exited."""
    global broker
    cmd = [binary, "-v", "-p", str(PORT), "--sys-interval", "0", "--persistence", store,
           "--persistence-sync", "full"]
    # It dies with this script (PR_SET_PDEATHSIG), which leaves the namespace and its mounts.
    broker = subprocess.Popen(cmd, stderr=open(log_path, "a"),
                              preexec_fn=lambda: libc.prctl(1, signal.SIGKILL))
    for _ in range(1200):
        if broker.poll() is not None:
            return None
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
            return broker
        except OSError:
            time.sleep(0.025)
    return None


def kill_broker():
    broker.send_signal(signal.SIGKILL)
    broker.wait()


def varint(n):
    out = b""
    while True:
        n, byte = n >> 7, n & 0x7F
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


class RawPublisher:
    """A QoS 1 publisher on a bare socket, to see each PUBACK's reason code byte for byte."""

    def __init__(self, cid, v5):
        self.s, self.v5, self.mid = socket.create_connection(("127.0.0.1", PORT), 5), v5, 0
        self.s.settimeout(5)
        header = b"\x00\x04MQTT" + (b"\x05\x02\x00\x3c\x00" if v5 else b"\x04\x02\x00\x3c")
        self.send(0x10, header + struct.pack("!H", len(cid)) + cid.encode())
        kind, body = self.read()
        assert kind == 0x20 and body[1] == 0, f"CONNACK {kind:#x} {body.hex()}"

    def send(self, first, body):
        self.s.sendall(bytes([first]) + varint(len(body)) + body)

    def read(self):
        def exactly(n):
            data = b""
            while len(data) < n:
                more = self.s.recv(n - len(data))
                if not more:
                    raise EOFError
                data += more
            return data
        first, length, shift = exactly(1)[0], 0, 0
        while True:
            byte = exactly(1)[0]
            length, shift = length | (byte & 0x7F) << shift, shift + 7
            if not byte & 0x80:
                return first & 0xF0, exactly(length)

    def publish(self, topic, payload):
        """"ok", "refused 0xNN", or "closed" (the connection ended without a PUBACK)."""
        self.mid += 1
        body = struct.pack("!H", len(topic)) + topic.encode() + struct.pack("!H", self.mid)
        try:
            self.send(0x32, body + (b"\x00" if self.v5 else b"") + payload.encode())
            kind, reply = self.read()
        except (OSError, EOFError):
            return "closed"
        if kind != 0x40:
            return "closed" if kind == 0xE0 else f"packet {kind:#x}"
        code = reply[2] if len(reply) > 2 else 0
        return "ok" if code < 0x80 else f"refused {code:#04x}"


def subscriber(cid, topic=None, clean=False):
    """A started paho MQTT 5 client: (client, session present, received payloads)."""
    c, got, flags, ready = mqtt.Client(client_id=cid, protocol=mqtt.MQTTv5), [], {}, threading.Event()
    c.on_connect = lambda cl, u, f, rc, p: (flags.update(f), ready.set())
    c.on_subscribe = lambda *a: ready.set()
    c.on_message = lambda cl, u, m: got.append(m.payload.decode())
    p = Properties(PacketTypes.CONNECT)
    p.SessionExpiryInterval = 0 if clean else 300
    c.connect("127.0.0.1", PORT, 30, clean_start=clean, properties=p)
    c.loop_start()
    if not ready.wait(10):
        raise RuntimeError(f"{cid}: no CONNACK")
    if topic:
        ready.clear()
        c.subscribe(topic, 1)
        if not ready.wait(10):
            raise RuntimeError(f"{cid}: no SUBACK")
    return c, flags.get("session present"), got


def close(c):
    c.disconnect()
    c.loop_stop()


def wait_for(got, want, limit=15):
    end = time.time() + limit
    while not set(want) <= set(got) and time.time() < end:
        time.sleep(0.02)
    time.sleep(0.3)
    return list(got)


def publish_all(first, count, acked, v5=True):
    pub = RawPublisher("ro-pub", v5)
    results = []
    for i in range(first, first + count):
        results.append(pub.publish("ro/q", f"{i:03d}"))
        if results[-1] == "ok":
            acked.append(f"{i:03d}")
    pub.s.close()
    return results


def run():
    global PORT
    PORT = free_port()
    if not start_broker():
        return check(False, "the broker starts on the ext4 store")
    sink, _, _ = subscriber("ro-sink", "ro/q")
    close(sink)
    acked, refused = [], []
    r = publish_all(0, 20, acked)
    check(r == ["ok"] * 20, "20 QoS 1 messages acknowledged while the store is writable", str(r))

    with open(trigger, "w") as f:  # the filesystem turns read-only, as after an I/O error
        f.write("1")
    first = publish_all(20, 1, acked)
    then = publish_all(21, 5, acked)
    old = publish_all(26, 1, acked, v5=False)
    refused += [f"{i:03d}" for i, x in zip(range(21, 26), then) if x.startswith("refused")]
    check(first == ["closed"], "read-only: the PUBLISH whose commit failed is not acknowledged "
          "(its connection closed)", str(first))
    check(then == ["refused 0x80"] * 5, "read-only: MQTT 5 publishes to a durable session get "
          "PUBACK 0x80", str(then), always=True)
    check(old == ["closed"], "read-only: an MQTT 3.1.1 publish gets no PUBACK, its connection "
          "closes", str(old))
    check("cannot save" in open(log_path).read(), 'read-only: the broker logs "cannot save"')
    live, _, got = subscriber("ro-live", "ro/clean", clean=True)
    pub = RawPublisher("ro-clean-pub", True)
    result = pub.publish("ro/clean", "between clean sessions")
    check(result == "ok" and wait_for(got, ["between clean sessions"], 5) ==
          ["between clean sessions"], "read-only: clean sessions still flow", f"{result} {got}")
    close(live)

    kill_broker()
    for cmd in (("umount", store), ("e2fsck", "-fy", image), ("mount", "-o", "loop", image, store)):
        done = sh(*cmd)
        if done.returncode not in (0, 1):  # e2fsck: 1 means errors were fixed
            return check(False, f"{' '.join(cmd)}: {done.stderr.strip()}")
    if not start_broker():
        return check(False, "the broker restarts on the repaired store")
    r = publish_all(27, 10, acked)
    check(r == ["ok"] * 10, "read-write again: publishes are acknowledged again", str(r))
    sink, sp, got = subscriber("ro-sink")
    msgs = wait_for(got, acked)
    close(sink)
    check(sp == 1, "after kill -9 and a restart the durable subscriber's session is present")
    check(msgs == acked, f"every one of the {len(acked)} acknowledged messages is delivered, in "
          "order, and none that was refused", f"lost {sorted(set(acked) - set(msgs))}, extra "
          f"{sorted(set(msgs) - set(acked))}, {len(msgs)} delivered")

    queued = []
    publish_all(37, 10, queued)
    broker.send_signal(signal.SIGTERM)
    broker.wait(20)
    sh("mount", "--bind", store, store)
    ro = sh("mount", "-o", "remount,ro,bind", store)
    if ro.returncode != 0:
        return check(False, f"remount read-only: {ro.stderr.strip()}")
    start_broker()  # it listens before it opens the store: wait for its exit
    try:
        code = broker.wait(15)
    except subprocess.TimeoutExpired:
        code = None
    said = open(log_path).read().splitlines()[-1]
    check(code not in (0, None) and "mqtk.db" in said and "Read-only" in said,
          "a read-only directory at start: the broker refuses to start, naming the file",
          f"exit {code}: {said}", always=True)
    sh("umount", store)  # the bind mount: read-write again
    if not start_broker():
        return check(False, "the broker starts once the directory is writable again")
    sink, sp, got = subscriber("ro-sink")
    msgs = wait_for(got, queued)
    close(sink)
    check(msgs == queued, "writable again: the 10 messages queued before are delivered",
          f"{msgs}")


try:
    run()
except Exception as e:
    check(False, f"unexpected {type(e).__name__}: {e}")
print(f"{passed} passed, {failed} failed")
finish(1 if failed else 0)
