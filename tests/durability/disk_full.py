#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# A full disk never costs an acknowledged message. The broker runs with a file size limit
# (RLIMIT_FSIZE, SIGXFSZ ignored: writes past it fail as on a full disk, and it works as root and
# without mounts), a durable QoS 1 subscriber is offline, and a publisher sends 1 KiB messages one
# at a time until one is not acknowledged. The broker must say it cannot save; then it is killed
# with SIGKILL, restarted without the limit, and the subscriber must get every message that was
# acknowledged. In between, the limit is lifted (prlimit): the broker must save again and
# acknowledge again, and those messages must survive too.
# usage: /usr/bin/python3 disk_full.py PATH/TO/mqtk-broker
import os, resource, shutil, signal, socket, subprocess, sys, tempfile, threading, time
import paho.mqtt.client as mqtt

binary = sys.argv[1]
work = tempfile.mkdtemp(prefix="mqtk-diskfull-")
LIMIT = 512 << 10  # bytes per file: the log file reaches it (in about 460 messages, under the
# default queue limit) long before its first fold at 4 MiB


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = free_port()
log_path = os.path.join(work, "broker.log")


def limited():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, resource.RLIM_INFINITY))


def start_broker(limit):
    cmd = [binary, "-p", str(PORT), "--sys-interval", "0", "--persistence", work]
    p = subprocess.Popen(cmd, stderr=open(log_path, "a"), preexec_fn=limited if limit else None)
    for _ in range(1200):
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
            return p
        except OSError:
            time.sleep(0.025)
    p.kill()
    sys.exit(f"disk_full: the broker did not start (see {log_path})")


def fail(why):
    print(f"disk_full: FAILED: {why} (files in {work})")
    print(open(log_path).read(), file=sys.stderr)
    broker.kill()
    sys.exit(1)


def sink_client():
    c = mqtt.Client(client_id="df-sink", clean_session=False, protocol=mqtt.MQTTv311)
    c.connect("127.0.0.1", PORT, 30)
    return c


def publish_until_refused(acked, limit=20000):
    """One QoS 1 message at a time; returns when one gets no PUBACK within 5 s."""
    done = threading.Event()
    pub = mqtt.Client(client_id="df-pub", protocol=mqtt.MQTTv311)
    pub.on_publish = lambda *a: done.set()
    pub.connect("127.0.0.1", PORT, 30)
    pub.loop_start()
    payload = b"x" * 1024
    for seq in range(len(acked), limit):
        done.clear()
        pub.publish("df/q", str(seq).encode() + b" " + payload, qos=1)
        if not done.wait(5):
            break
        acked.append(seq)
    pub.loop_stop()


broker = start_broker(limit=True)
sink = sink_client()
sink.subscribe("df/q", 1)
sink.loop(1)
sink.disconnect()

acked = []
publish_until_refused(acked)
with open(log_path) as f:
    told = "cannot save" in f.read()
if not told:
    fail(f"{len(acked)} messages acknowledged and no 'cannot save' logged: the limit was not reached")
if len(acked) < 20:
    fail(f"only {len(acked)} messages were acknowledged before the disk was full")
# Nothing is acknowledged while the disk stays full.
more = list(acked)
publish_until_refused(more, len(acked) + 1)
if len(more) != len(acked):
    fail("a message was acknowledged after a save had failed and the disk was still full")

# Space again: the broker saves what it kept on its next tick and acknowledges again.
resource.prlimit(broker.pid, resource.RLIMIT_FSIZE,
                 (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
end = time.time() + 10
while time.time() < end and "saved again" not in open(log_path).read():
    time.sleep(0.1)
if "saved again" not in open(log_path).read():
    fail("the broker did not say it saves again once there was space")
before_space = len(acked)
publish_until_refused(acked, before_space + 50)
if len(acked) != before_space + 50:
    fail(f"{len(acked) - before_space} of 50 messages acknowledged once there was space again")

broker.send_signal(signal.SIGKILL)
broker.wait()
broker = start_broker(limit=False)
got = set()
sink = mqtt.Client(client_id="df-sink", clean_session=False, protocol=mqtt.MQTTv311)
sink.on_message = lambda c, u, m: got.add(int(m.payload.split(b" ")[0]))
sink.connect("127.0.0.1", PORT, 30)
end = time.time() + 30
while time.time() < end and not set(acked) <= got:
    sink.loop(0.1)
sink.disconnect()
lost = sorted(set(acked) - got)
print(f"disk_full: {before_space} acknowledged before the disk was full, 50 after space came "
      f"back; {len(lost)} lost after kill -9 and a restart")
if lost:
    fail(f"lost {lost[:10]}")
broker.send_signal(signal.SIGTERM)
broker.wait()
shutil.rmtree(work, ignore_errors=True)
