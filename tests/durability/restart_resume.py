#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# A restart keeps what clients were promised. mqtk-broker runs with --persistence in a temporary
# directory and is stopped with SIGKILL (or SIGTERM) and restarted on the same store, between:
#  a) a paho-mqtt subscriber (MQTT 5 with a Session Expiry Interval, MQTT 3.1.1 with clean
#     session off) subscribing at QoS 1 and going away, and 50 numbered QoS 1 messages
#     acknowledged while it is away: on reconnecting, CONNACK says session present and the 50
#     arrive in order, each once;
#  b) the same with Debian's mosquitto_sub -c as the resuming client (-V 311, and -V 5 -x 300),
#     the 50 sent by mosquitto_pub -q 1 -l; session present is read from the CONNACK bytes through
#     a relay, since mosquitto_sub does not print it;
#  c) retained messages (the last value of a topic, and a topic whose retained message was
#     cleared) as mosquitto_sub reads them after a kill -9, retain flag set;
#  d) $SYS/broker/messages/received after a kill -9: the totals ride with the last durable batch;
#  e) a will waiting for its Will Delay Interval when the broker is killed: published once the
#     delay runs out after the restart (not at the restart, not lost), and not at all when its
#     client comes back in time.
# Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed"; exits 1 on a failure.
# usage: /usr/bin/python3 restart_resume.py PATH/TO/mqtk-broker [DIR/OF/mosquitto_sub]
import os, select, shutil, signal, socket, subprocess, sys, tempfile, threading, time
import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

binary = sys.argv[1]
mosq = sys.argv[2] if len(sys.argv) > 2 else "/usr/bin"
work = tempfile.mkdtemp(prefix="mqtk-resume-")
N, DELAY = 50, 4  # messages per case; Will Delay Interval in seconds
EXPECTED = [f"{i:03d}" for i in range(N)]
brokers, passed, failed = [], 0, 0
watchdog = threading.Timer(150, lambda: (print("not ok - no progress in 150 s", flush=True),
                                         [b.proc.kill() for b in brokers], os._exit(3)))
watchdog.daemon = True
watchdog.start()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(cond, what, detail="", always=False):
    global passed, failed
    passed, failed = passed + bool(cond), failed + (not cond)
    shown = detail and (always or not cond)
    print(f"{'ok' if cond else 'not ok'} - {what}" + (f": {detail}" if shown else ""), flush=True)
    return cond


class Broker:
    def __init__(self, name, sys_interval="0"):
        self.sys_interval = sys_interval
        self.dir = os.path.join(work, name)
        os.mkdir(self.dir)
        self.port, self.log, self.proc = free_port(), os.path.join(self.dir, "broker.log"), None
        brokers.append(self)
        self.start()

    def start(self):
        self.proc = subprocess.Popen([binary, "-v", "-p", str(self.port), "--sys-interval",
                                      self.sys_interval,
                                      "--persistence", self.dir], stderr=open(self.log, "a"))
        for _ in range(1200):  # until it accepts connections (ASan on a busy machine is slow)
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.025)
        sys.exit(f"restart_resume: the broker did not start (see {self.log})")

    def restart(self, sig):
        self.proc.send_signal(sig)
        self.proc.wait(20)
        self.start()

    def wait_log(self, text, limit=10):
        end = time.time() + limit
        while time.time() < end:
            if text in open(self.log).read():
                return True
            time.sleep(0.02)
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def connect(port, cid, v5, expiry=300, clean=False, will=None):
    """A started paho client, its CONNACK received: (client, session present, received list)."""
    c = (mqtt.Client(client_id=cid, protocol=mqtt.MQTTv5) if v5 else
         mqtt.Client(client_id=cid, clean_session=clean, protocol=mqtt.MQTTv311))
    got, flags, connected = [], {}, threading.Event()
    c.on_connect = lambda cl, u, f, rc, *p: (flags.update(f, rc=rc), connected.set())
    c.on_message = lambda cl, u, m: got.append((m.payload.decode(), time.time()))
    if will:
        wp = Properties(PacketTypes.WILLMESSAGE)
        wp.WillDelayInterval = DELAY
        c.will_set(will, b"gone", qos=1, properties=wp)
    if v5:
        p = Properties(PacketTypes.CONNECT)
        p.SessionExpiryInterval = expiry
        c.connect("127.0.0.1", port, 30, clean_start=clean, properties=p)
    else:
        c.connect("127.0.0.1", port, 30)
    c.loop_start()
    if not connected.wait(10) or flags["rc"] != 0:
        raise RuntimeError(f"{cid}: no successful CONNACK ({flags})")
    return c, flags.get("session present"), got


def subscribe(c, topic):
    done = threading.Event()
    c.on_subscribe = lambda *a: done.set()
    c.subscribe(topic, 1)
    if not done.wait(10):
        raise RuntimeError(f"no SUBACK for {topic}")


def close(c):
    c.disconnect()
    c.loop_stop()


def publish(port, topic, payloads, retain=False):
    c, _, _ = connect(port, "publisher", v5=False, clean=True)
    infos = [c.publish(topic, p, qos=1, retain=retain) for p in payloads]
    for i in infos:
        i.wait_for_publish(10)
    close(c)
    if not all(i.is_published() for i in infos):
        raise RuntimeError(f"not every publish to {topic} was acknowledged")


def wait_for(got, n, limit=15, quiet=0.3):
    """Waits until `got` holds n items, then `quiet` s more to catch extra ones."""
    end = time.time() + limit
    while len(got) < n and time.time() < end:
        time.sleep(0.02)
    time.sleep(quiet)
    return [p for p, _ in got]


def relay(port):
    """A one-connection TCP relay to the broker; returns its port and the CONNACK flags it saw."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    seen = {"bytes": b""}

    def run():
        ls.settimeout(20)
        try:
            a, _ = ls.accept()
        except OSError:
            return
        b = socket.create_connection(("127.0.0.1", port))
        with a, b, ls:
            while True:
                ready, _, _ = select.select([a, b], [], [], 20)
                if not ready:
                    return
                for s in ready:
                    try:
                        data = s.recv(65536)
                    except OSError:
                        return
                    if not data:
                        return
                    if s is b and len(seen["bytes"]) < 16:
                        seen["bytes"] = (seen["bytes"] + data)[:16]
                    (b if s is a else a).sendall(data)

    threading.Thread(target=run, daemon=True).start()
    return ls.getsockname()[1], seen


def session_present(seen):
    data = seen["bytes"]  # CONNACK: 0x20, remaining length (a varint), flags
    i = 1
    while i < len(data) and data[i] & 0x80:
        i += 1
    return data[i + 1] & 1 if data[:1] == b"\x20" and i + 1 < len(data) else None


def sub_cmd(port, *args):
    return [os.path.join(mosq, "mosquitto_sub"), "-p", str(port), *args]


def case_paho(v5, sig):
    name = f"paho MQTT {'5' if v5 else '3.1.1'}, {signal.Signals(sig).name}"
    b = Broker(f"paho-{v5}-{sig}")
    c, sp, _ = connect(b.port, "resumer", v5)
    subscribe(c, "q/t")
    close(c)
    publish(b.port, "q/t", EXPECTED)
    b.restart(sig)
    c, sp, got = connect(b.port, "resumer", v5)
    msgs = wait_for(got, N)
    close(c)
    check(sp == 1, f"{name}: CONNACK has session present after the restart", f"flag {sp}")
    check(msgs == EXPECTED, f"{name}: the {N} queued QoS 1 messages arrive in order, once",
          f"got {len(msgs)}: {msgs[:5]}...{msgs[-3:]}")
    b.stop()


def case_mosquitto_sub(version):
    name = f"mosquitto_sub -V {version[1]}"
    b = Broker(f"mosquitto-{version[1]}")
    base = ["-c", "-i", "mosq-resumer", "-q", "1", "-t", "q/m", *version]
    first = subprocess.run(sub_cmd(b.port, *base, "-E"), capture_output=True, timeout=20)
    pub = subprocess.run([os.path.join(mosq, "mosquitto_pub"), "-p", str(b.port), "-q", "1",
                          "-t", "q/m", "-l"], input="\n".join(EXPECTED) + "\n", text=True,
                         capture_output=True, timeout=30)
    b.restart(signal.SIGKILL)
    port, seen = relay(b.port)
    out = subprocess.run(sub_cmd(port, *base, "-C", str(N), "-W", "15"), capture_output=True,
                         text=True, timeout=30)
    lines = out.stdout.split()
    check(first.returncode == 0 and pub.returncode == 0, f"{name}: subscribed, {N} published",
          f"mosquitto_sub {first.returncode} {first.stderr}, mosquitto_pub {pub.returncode}")
    check(session_present(seen) == 1, f"{name}: CONNACK has session present after kill -9",
          f"CONNACK bytes {seen['bytes'].hex()}")
    check(lines == EXPECTED, f"{name}: prints the {N} queued messages in order",
          f"exit {out.returncode}, got {len(lines)}: {lines[:5]}...{lines[-3:]} {out.stderr}")
    b.stop()


def case_retained():
    b = Broker("retained")
    publish(b.port, "rr/kept", ["old", "new"], retain=True)
    publish(b.port, "rr/cleared", ["x"], retain=True)
    publish(b.port, "rr/cleared", [""], retain=True)
    b.restart(signal.SIGKILL)
    out = subprocess.run(sub_cmd(b.port, "-t", "rr/#", "-W", "2", "-F", "%r %t %p"),
                         capture_output=True, text=True, timeout=20)
    lines = out.stdout.splitlines()
    check(lines == ["1 rr/kept new"], "retained: after kill -9 mosquitto_sub reads the last "
          "acknowledged retained value, retain flag set, and not a cleared one", f"got {lines}")
    b.stop()


def sys_total(port, name):
    out = subprocess.run(sub_cmd(port, "-t", f"$SYS/broker/{name}", "-C", "1", "-W", "5"),
                         capture_output=True, text=True, timeout=20)
    return int(out.stdout.strip() or -1)


def case_counters():
    # The $SYS totals count on after a kill -9: they ride with a batch that is saved anyway (at
    # most once a second): here the durable session's last message.
    b = Broker("counters", sys_interval="1")
    c, _, _ = connect(b.port, "counted", v5=True)
    subscribe(c, "cnt/t")
    close(c)
    publish(b.port, "cnt/t", EXPECTED)
    time.sleep(2)  # past the second (the ticks are 0.5 s apart): the next batch takes them
    publish(b.port, "cnt/t", ["last"])
    time.sleep(1.2)  # a $SYS round after it
    before = sys_total(b.port, "messages/received")
    b.restart(signal.SIGKILL)
    after = sys_total(b.port, "messages/received")
    check(before == N + 1 and after == N + 1, f"$SYS/broker/messages/received counts on after "
          f"kill -9 ({N + 1} acknowledged, the last carrying the totals)",
          f"before {before}, after the restart {after}", always=True)
    b.stop()


def case_will(comes_back):
    name = "will delay: " + ("a client back in time cancels its will across a kill -9" if
                             comes_back else "a pending will is published after kill -9 once "
                             f"its {DELAY} s delay has run out")
    b = Broker(f"will-{comes_back}")
    watcher, _, _ = connect(b.port, "watcher", True)
    subscribe(watcher, "will/t")
    close(watcher)
    w, _, _ = connect(b.port, "leaver", True, expiry=60, clean=True, will="will/t")
    w.loop_stop()
    w.socket().close()  # no DISCONNECT: the will is due in DELAY s
    dropped = time.time()
    if not b.wait_log("client leaver disconnected"):
        return check(False, name, "the broker did not notice the closed socket")
    time.sleep(0.2)  # its save follows the log line within the same turn
    b.restart(signal.SIGKILL)
    restarted = time.time()
    watcher, sp, got = connect(b.port, "watcher", True)
    if comes_back:
        back, back_sp, _ = connect(b.port, "leaver", True, expiry=60)
        back_at = time.time() - dropped
    time.sleep(max(0.0, dropped + DELAY + 3 - time.time()))
    arrivals = [round(t - dropped, 2) for _, t in got]
    close(watcher)
    if comes_back:
        close(back)
        check(back_sp == 1 and back_at < DELAY and arrivals == [], name,
              f"session present {back_sp}, back after {back_at:.1f} s, will at {arrivals}",
              always=True)
    else:
        check(sp == 1 and len(arrivals) == 1 and DELAY - 1 <= arrivals[0] <= DELAY + 3, name,
              f"restarted {restarted - dropped:.1f} s after the drop; will arrived at {arrivals} "
              "s (one, expected between 3 and 7 s after the drop)", always=True)
    b.stop()


def case_one_owner():
    """A second broker on a store in use is refused by name; the first goes on serving it."""
    b = Broker("one-owner")
    # The first broker's pid file, which the second names too: it must stay as it was.
    pid_file = os.path.join(b.dir, "first.pid")
    with open(pid_file, "w") as f:
        f.write(f"{b.proc.pid}\n")
    conf = os.path.join(b.dir, "second.conf")
    with open(conf, "w") as f:
        f.write(f"listener {free_port()} 127.0.0.1\npid_file {pid_file}\n")
    second = subprocess.run([binary, "-c", conf, "--persistence", b.dir],
                            capture_output=True, text=True, timeout=20)
    check(second.returncode != 0 and "in use by another broker" in second.stderr
          and os.path.join(b.dir, "mqtk.db") in second.stderr,
          "a second broker on a store in use is refused by name",
          f"exit {second.returncode}: {second.stderr.strip()}", always=True)
    with open(pid_file) as f:
        kept = f.read()
    check("listening" not in second.stderr and kept == f"{b.proc.pid}\n",
          "it is refused before it listens or writes its pid file",
          f"stderr {second.stderr.strip()!r}, pid file {kept!r}")
    c, sp, _ = connect(b.port, "still-served", True)
    close(c)
    check(b.proc.poll() is None and sp == 0, "the first broker goes on serving its store")
    b.stop()


try:
    case_one_owner()
    for v5 in (True, False):
        for sig in (signal.SIGKILL, signal.SIGTERM):
            case_paho(v5, sig)
    case_mosquitto_sub(["-V", "311"])
    case_mosquitto_sub(["-V", "5", "-x", "300"])
    case_retained()
    case_counters()
    case_will(comes_back=False)
    case_will(comes_back=True)
except Exception as e:  # a broken step fails the test, with the brokers' logs kept
    check(False, f"unexpected {type(e).__name__}: {e}")
finally:
    for b in brokers:
        b.stop()
print(f"{passed} passed, {failed} failed")
if failed:
    print(f"restart_resume: broker logs kept in {work}")
    sys.exit(1)
shutil.rmtree(work, ignore_errors=True)
