#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A bounded live fuzzer for mqtk-broker (issue 17): batches of parallel raw-socket connections,
# each playing a mutated MQTT 3.1.1 or 5.0 session script (bits flipped, bytes inserted, cut or
# repeated, packets reordered and duplicated, sent in random chunks). After every batch a fresh
# client must get a QoS 1 round trip within 2 s; at the end the broker must stop cleanly (under
# ASan a report makes its exit status non-zero). Seeded: a failure prints its seed to replay.
#   live_fuzz.py MQTK_BROKER [BATCHES] [SEED]      (default 40 batches of 4 connections)
import os, random, socket, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import rawmqtt as m

broker_bin = sys.argv[1]
batches = int(sys.argv[2]) if len(sys.argv) > 2 else 40
seed = int(sys.argv[3]) if len(sys.argv) > 3 else random.SystemRandom().randrange(1 << 32)
print(f"     seed {seed}", flush=True)
check = m.checklist()
b = m.broker(broker_bin, "-p", "0", "--sys-interval", "1", "--max-queued", "50",
             "--receive-maximum", "8")


def script(rng, k):
    v5 = rng.random() < 0.5
    cid = rng.choice(["fz-a", "fz-b", f"fz-{k}", ""])
    packets = [m.connect(cid, keep_alive=rng.choice([0, 1, 5, 60]), clean=rng.random() < 0.5,
                         v5=v5, session_expiry=rng.choice([0, 0, 30]))]
    for _ in range(rng.randint(1, 12)):
        pid = rng.randint(0, 65535)
        topic = rng.choice(["fz/x", "fz/+", "fz/#", "#", "$SYS/#", "fz//y", "+/+", "$share/g/fz/#"])
        name = rng.choice(["fz/x", "fz/y/z", "fz", "a/b"])
        kind = rng.randrange(9)
        if kind < 3:
            packets.append(m.publish(name, os.urandom(rng.choice([0, 1, 40, 3000])), rng.randint(0, 2),
                                     pid, rng.random() < 0.2, v5))
        elif kind == 3:
            packets.append(m.subscribe(topic, rng.randint(0, 2), pid, v5))
        elif kind == 4:
            packets.append(m.unsubscribe(topic, pid, v5))
        elif kind == 5:  # acknowledgements for ids that may or may not exist
            first = rng.choice([0x40, 0x50, 0x62, 0x70])
            packets.append(m.packet(first, pid.to_bytes(2, "big") + (b"\x00\x00" if v5 else b"")))
        elif kind == 6:
            packets.append(m.PINGREQ)
        elif kind == 7 and v5:
            packets.append(m.packet(0xF0, b"\x18\x00"))  # AUTH continue, unasked
        else:
            packets.append(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 8))))
    if rng.random() < 0.3:
        packets.append(m.DISCONNECT)
    if rng.random() < 0.3:
        rng.shuffle(packets)
    if rng.random() < 0.2:
        packets += packets[: rng.randint(1, len(packets))]
    data = bytearray(b"".join(packets))
    for _ in range(rng.choice([0, 0, 1, 2, 5])):
        op, at = rng.randrange(4), rng.randrange(len(data))
        if op == 0:
            data[at] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[at:at] = bytes([rng.getrandbits(8)])
        elif op == 2:
            del data[at:at + rng.randint(1, 4)]
        else:
            data[at] = rng.choice([0x00, 0x7F, 0x80, 0xFF])
        if not data:
            data = bytearray(b"\x10")
    return bytes(data)


def play(rng, k):
    data = script(rng, k)
    try:
        with socket.create_connection(("127.0.0.1", b.port), timeout=2) as s:
            s.settimeout(0.05)
            pos = 0
            while pos < len(data):
                n = rng.choice([1, 7, 64, len(data)])
                s.sendall(data[pos:pos + n])
                pos += n
                try:
                    if not s.recv(65536):
                        return
                except socket.timeout:
                    pass
            end = time.monotonic() + rng.uniform(0, 0.2)
            while time.monotonic() < end:
                try:
                    if not s.recv(65536):
                        return
                except socket.timeout:
                    pass
    except OSError:
        pass


rng = random.Random(seed)
slowest, misses = 0.0, []
try:
    for batch in range(batches):
        threads = [threading.Thread(target=play, args=(random.Random(rng.getrandbits(64)), k))
                   for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        rt = m.round_trip(b.port, client_id=f"probe-{batch}")
        if rt is None or rt > 2:
            misses.append(batch)
        else:
            slowest = max(slowest, rt)
        if b.proc.poll() is not None:
            break
    print(f"     {batches} batches of 4; the slowest probe {slowest * 1000:.0f} ms")
    check(b.proc.poll() is None, "the broker is still running")
    check(not misses, f"after every batch a fresh client gets a QoS 1 round trip within 2 s "
                      f"(missed after batches {misses[:5]})")
finally:
    status = b.stop()
text = b.log_text()
check(status == 0 and "Sanitizer" not in text and "runtime error" not in text,
      f"the broker stopped cleanly, no sanitizer report (status {status})")
if check.failed:
    print(f"     replay: live_fuzz.py BROKER {batches} {seed}")
    sys.stdout.write(text[-3000:])
sys.exit(1 if check.failed else 0)
