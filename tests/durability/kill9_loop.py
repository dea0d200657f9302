#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Durability under kill -9: a publisher records every message the broker acknowledged, the broker
# is killed with SIGKILL at a random moment mid-stream, restarted on its store, and a durable
# subscriber (one paho client for the whole run, so its own QoS 2 state lives on) drains what
# was kept. Odd cycles queue for the subscriber while it is offline; even ones deliver live, so
# kills land inside both sides' QoS 1 and QoS 2 handshakes. Every cycle also sets a retained
# message and waits for its acknowledgement before the stream starts.
# Pass: every acknowledged message delivered, QoS 2 ones exactly once, the publisher's order
# kept, the last acknowledged retained message there after each restart. mqtk-broker's store
# log is folded at a size drawn for each start, down to 2 KiB, so some kills land inside folds.
# usage: /usr/bin/python3 kill9_loop.py CYCLES mqtk PATH/TO/mqtk-broker
#        /usr/bin/python3 kill9_loop.py CYCLES mosquitto /usr/sbin/mosquitto   (comparison only)
import faulthandler, os, random, shutil, signal, socket, subprocess, sys, tempfile, threading, time
import paho.mqtt.client as mqtt

cycles, kind, binary = int(sys.argv[1]), sys.argv[2], sys.argv[3]
work = tempfile.mkdtemp(prefix="mqtk-kill9-")
os.chmod(work, 0o777)  # mosquitto drops to its own user when started as root
rng = random.Random(int(os.environ.get("KILL9_SEED", "1")))
broker = None


def give_up():
    """A hang fails with every thread's stack and ends the broker, rather than wait for ctest's
    limit: about 5 s a cycle, plus the final drain, is plenty."""
    print("kill9_loop: FAILED: no progress; stacks follow", file=sys.stderr, flush=True)
    faulthandler.dump_traceback(all_threads=True)
    if broker is not None:
        broker.kill()
    os._exit(3)


watchdog = threading.Timer(90 + 8 * cycles, give_up)
watchdog.daemon = True
watchdog.start()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = free_port()


def start_broker():
    if kind == "mqtk":
        # The log is folded into the tables at this size: small ones make folds happen all the
        # time, so kills land inside them too; the default leaves most cycles in the log.
        log_bytes = rng.choice(["2048", "65536", "4194304"])
        cmd = [binary, "-p", str(PORT), "--sys-interval", "0", "--persistence", work,
               "--persistence-log-bytes", log_bytes]
    else:
        conf = os.path.join(work, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {PORT} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                    f"persistence_location {work}/\nuser root\n")
        cmd = [binary, "-c", conf]
    p = subprocess.Popen(cmd, stderr=open(os.path.join(work, "broker.log"), "a"))
    for _ in range(1200):  # until it accepts connections (an ASan build on a busy machine is slow)
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
            return p
        except OSError:
            time.sleep(0.025)
    sys.exit(f"kill9_loop: the broker did not start (see {work}/broker.log)")


received = []  # (seq, qos) in arrival order
got_lock = threading.Lock()


def on_message(c, u, m):
    if m.topic.startswith("k9/stream/"):
        with got_lock:
            received.append((int(m.payload), m.qos))


sink = mqtt.Client(client_id="k9-sink", clean_session=False, protocol=mqtt.MQTTv311)
sink.on_message = on_message
sink.reconnect_delay_set(min_delay=0.05, max_delay=0.3)


def drain(quiet=0.5, limit=20, expect=()):
    """Waits until the sink has every sequence number in `expect` and then has received nothing
    new for `quiet` seconds, or `limit` seconds have passed. A slow machine only makes it wait
    longer: the count afterwards decides."""
    end = time.time() + limit
    last, seen = time.time(), -1
    missing = set(expect)
    while time.time() < end:
        with got_lock:
            n = len(received)
            fresh = received[seen:] if seen >= 0 else received[:]
        missing.difference_update(s for s, _ in fresh)
        if n != seen:
            seen, last = n, time.time()
        elif not missing and time.time() - last > quiet:
            return
        time.sleep(0.05)


def publish_stream(qos, acked, stop):
    """Publishes increasing sequence numbers until the broker dies; records acknowledged ones."""
    pub = mqtt.Client(client_id=f"k9-pub-{len(acked)}", clean_session=True,
                      protocol=mqtt.MQTTv311)
    # paho calls on_publish holding its own message lock, which publish() also takes: taking a
    # lock of ours in both places deadlocks. So on_publish only notes the id (list.append is
    # atomic) and ids are matched to sequence numbers once the client has stopped. Fewer than
    # 65535 messages per client keep packet ids unique within a run.
    sent, acked_ids = {}, []
    pub.on_publish = lambda c, u, mid: acked_ids.append(mid)
    pub.max_inflight_messages_set(20)
    pub.max_queued_messages_set(20)
    try:
        pub.connect("127.0.0.1", PORT, 30)
    except OSError:
        return
    pub.loop_start()
    while not stop.is_set() and len(sent) < 60000:
        info = pub.publish(f"k9/stream/{qos}", str(publish_stream.next), qos=qos)
        if info.rc == mqtt.MQTT_ERR_QUEUE_SIZE:  # the window is full: wait, do not skip a number
            time.sleep(0.002)
            continue
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            break
        sent[info.mid] = publish_stream.next
        publish_stream.next += 1
        time.sleep(0.0005)
    pub.loop_stop()
    acked.extend((sent[mid], qos) for mid in acked_ids if mid in sent)


publish_stream.next = 0


def set_retained(value):
    done = threading.Event()
    c = mqtt.Client(client_id="k9-retainer", protocol=mqtt.MQTTv311)
    c.on_publish = lambda *a: done.set()
    c.connect("127.0.0.1", PORT, 30)
    c.loop_start()
    c.publish("k9/retained", value, qos=1, retain=True)
    ok = done.wait(15)
    c.disconnect()
    c.loop_stop()
    return ok


def read_retained():
    got = []
    c = mqtt.Client(client_id="k9-reader", protocol=mqtt.MQTTv311)
    c.on_message = lambda cl, u, m: got.append(m.payload.decode())
    c.connect("127.0.0.1", PORT, 30)
    c.loop_start()
    c.subscribe("k9/retained", 1)
    end = time.time() + 5
    while not got and time.time() < end:
        time.sleep(0.02)
    c.disconnect()
    c.loop_stop()
    return got[0] if got else None


# What a reader may find after a restart: the last acknowledged value, or one sent later whose
# PUBACK did not arrive (the broker may have stored it just before the kill).
acked, retained_ok, retained_value, retained_maybe = [], 0, None, set()
broker = start_broker()
sink.connect("127.0.0.1", PORT, 30)
sink.loop_start()
sink.subscribe("k9/stream/#", 2)
time.sleep(0.3)
for cycle in range(cycles):
    qos = 1 + cycle % 2
    live = cycle % 4 >= 2
    if retained_value is not None and read_retained() in {retained_value} | retained_maybe:
        retained_ok += 1
    retained_maybe.clear()
    if set_retained(f"cycle {cycle}"):
        retained_value = f"cycle {cycle}"
    else:
        retained_maybe.add(f"cycle {cycle}")
    if not live:
        sink.disconnect()
        sink.loop_stop()
    stop = threading.Event()
    t = threading.Thread(target=publish_stream, args=(qos, acked, stop))
    t.start()
    time.sleep(rng.uniform(0.05, 0.6))
    broker.send_signal(signal.SIGKILL)
    broker.wait()
    stop.set()
    t.join()
    broker = start_broker()
    if not live:
        sink.reconnect()
        sink.loop_start()
    drain()
if retained_value is not None and read_retained() in {retained_value} | retained_maybe:
    retained_ok += 1
drain(limit=60, expect=[s for s, _ in acked])
sink.loop_stop()
broker.send_signal(signal.SIGTERM)
broker.wait()

with got_lock:
    seqs = [s for s, _ in received]
delivered = set(seqs)
lost = [s for s, _ in acked if s not in delivered]
counts = {}
for s in seqs:
    counts[s] = counts.get(s, 0) + 1
qos2_twice = [s for s, q in acked if q == 2 and counts.get(s, 0) > 1]
qos1_dups = sum(1 for s, q in acked if q == 1 and counts.get(s, 0) > 1)
firsts, seen = [], set()
for s in seqs:
    if s not in seen:
        seen.add(s)
        firsts.append(s)
out_of_order = sum(1 for a, b in zip(firsts, firsts[1:]) if b < a)
print(f"{kind}: {cycles} kill -9 cycles: {len(acked)} acknowledged, {len(lost)} lost, "
      f"{qos1_dups} QoS 1 duplicates, {len(qos2_twice)} QoS 2 delivered twice, "
      f"{out_of_order} out of order; retained survived {retained_ok} of {cycles} restarts")
if kind == "mqtk":
    ok = not lost and not qos2_twice and out_of_order == 0 and retained_ok == cycles and acked
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kill9_loop: FAILED (first lost: {lost[:10]}; files in {work})")
    sys.exit(0 if ok else 1)
shutil.rmtree(work, ignore_errors=True)
